////////////////////////////////////////////////////////////////////////////////////////////////////////////
// Thread-per-client echo server (IPv4). The notes promise it ("멀티스레드", 000 section 5) but do not
// list it; written for this course in the style of the notes' echo server (echo_server.cpp).
// The main thread only accepts; each accepted socket is handed to a new thread (pthread_create),
// which echoes that client's data until it closes, so several clients are served at once.
// Same extension as echo_server.cpp: the optional port argument (argv[1], default SERVERPORT).
#include "common.h"

#define SERVERPORT 9000
#define BUFSIZE 512


//클라이언트와 데이터 통신: 스레드 하나가 클라이언트 하나를 맡는다
void* ProcessClient(void* arg)
{
	int retval;
	SOCKET clientSock = (SOCKET)(long long)arg;
	struct sockaddr_in clientAddr;
	char addr[INET_ADDRSTRLEN];
	socklen_t addrlen;
	char buf[BUFSIZE + 1];

	//클라이언트 정보 얻기
	addrlen = sizeof(clientAddr);
	getpeername(clientSock, (struct sockaddr*)&clientAddr, &addrlen);
	inet_ntop(AF_INET, &clientAddr.sin_addr, addr, sizeof(addr));

	while (1) {
		//데이터 받기
		retval = recv(clientSock, buf, BUFSIZE, 0);
		if (retval == SOCKET_ERROR) {
			err_display("recv()");
			break;
		}
		else if (retval == 0) break;

		//받은 데이터 출력
		buf[retval] = '\0';
		printf("[TCP/%s:%d] %s\n", addr, ntohs(clientAddr.sin_port), buf);

		//데이터 보내기
		retval = send(clientSock, buf, retval, 0);
		if (retval == SOCKET_ERROR) {
			err_display("send()");
			break;
		}
	}

	//소켓 닫기
	close(clientSock);
	printf("[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n", addr, ntohs(clientAddr.sin_port));
	return 0;
}

//확장: argv[1] = 포트 번호 (선택, 기본값 SERVERPORT)
int main(int argc, char* argv[])
{
	int retval;

	//소켓 생성
	SOCKET listenSock = socket(AF_INET, SOCK_STREAM, 0);
	if (listenSock == INVALID_SOCKET) err_quit("socket()");

	//bind()
	struct sockaddr_in serverAddr;
	memset(&serverAddr, 0, sizeof(serverAddr));
	serverAddr.sin_family = AF_INET;
	serverAddr.sin_port = htons(argc > 1 ? atoi(argv[1]) : SERVERPORT);
	serverAddr.sin_addr.s_addr = htonl(INADDR_ANY);
	retval = bind(listenSock, (struct sockaddr*)&serverAddr, sizeof(serverAddr));
	if (retval == SOCKET_ERROR) err_quit("bind()");

	//listen()
	retval = listen(listenSock, SOMAXCONN);
	if (retval == SOCKET_ERROR) err_quit("listen()");

	//데이터 통신에 사용할 변수
	SOCKET clientSock;
	struct sockaddr_in clientAddr;
	socklen_t addrlen;
	pthread_t tid;

	while (1) {
		//accept()
		addrlen = sizeof(clientAddr);
		clientSock = accept(listenSock, (struct sockaddr*)&clientAddr, &addrlen);
		if (clientSock == INVALID_SOCKET) {
			err_display("accept()");
			break;
		}

		//접속한 클라이언트 정보 출력
		char addr[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &clientAddr.sin_addr, addr, sizeof(addr));
		printf("\n[TCP 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n", addr, ntohs(clientAddr.sin_port));

		//스레드 생성: 받은 소켓 디스크립터를 스레드 함수의 인자로 넘긴다
		retval = pthread_create(&tid, NULL, ProcessClient, (void*)(long long)clientSock);
		if (retval != 0) {
			close(clientSock);
		}
		else {
			pthread_detach(tid);
		}
	}

	//소켓 닫기
	close(listenSock);
	return 0;
}
