////////////////////////////////////////////////////////////////////////////////////////////////////////////
// Read-to-the-end echo server (IPv4): the peer of halfclose_client.cpp. Not in the notes; written for
// this course in the style of the notes' echo server. It reads a client's data until recv() returns 0,
// which happens only once the client has closed its sending side (shutdown(SHUT_WR)), and only then
// sends everything back in one send() and closes the connection.
// Same extension as echo_server.cpp: the optional port argument (argv[1], default SERVERPORT).
#include "common.h"

#define SERVERPORT 9000
#define BUFSIZE 4096


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
	char buf[BUFSIZE];
	int total;

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

		//클라이언트가 송신을 끝낼 때까지 (recv()가 0을 돌려줄 때까지) 모두 받는다
		total = 0;
		while (total < BUFSIZE) {
			retval = recv(clientSock, buf + total, BUFSIZE - total, 0);
			if (retval == SOCKET_ERROR) {
				err_display("recv()");
				break;
			}
			else if (retval == 0) break;
			total += retval;
		}
		printf("[TCP 서버] %d바이트를 받았습니다.\n", total);

		//받은 데이터를 한 번에 돌려보내고 연결을 닫는다: 클라이언트는 recv()가 0을 돌려줄 때 끝을 안다
		retval = send(clientSock, buf, total, 0);
		if (retval == SOCKET_ERROR) {
			err_display("send()");
		}
		else {
			printf("[TCP 서버] %d바이트를 보냈습니다.\n", retval);
		}

		//소켓 닫기
		close(clientSock);
		printf("[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n", addr, ntohs(clientAddr.sin_port));
	}

	//소켓 닫기
	close(listenSock);
	return 0;
}
