////////////////////////////////////////////////////////////////////////////////////////////////////////////
// Dual-stack echo server: one IPv4 and one IPv6 listening socket on the same port, one thread each.
// The notes promise it: "IPv4와 IPv6를 동시에 지원하는데 필요한 기술은 "멀티스레드"에서 배우고 마지막
// 예제에서 구현한다." (000, section 5). Written for this course in the style of the notes' echo server.
// The IPv6 socket is made IPv6-only (IPV6_V6ONLY), so that both can bind the port and IPv4 clients
// reach the IPv4 socket (without it, Linux's IPv6 socket takes IPv4 too: see echo_server6.cpp).
// Each thread serves its listener's clients one after the other.
// Same extension as echo_server.cpp: the optional port argument (argv[1], default SERVERPORT).
#include "common.h"

#define SERVERPORT 9000
#define BUFSIZE 512


//리슨 소켓 하나를 맡아 접속한 클라이언트를 차례로 처리하는 스레드
void* ServeListener(void* arg)
{
	int retval;
	SOCKET listenSock = (SOCKET)(long long)arg;
	SOCKET clientSock;
	struct sockaddr_storage clientAddr; //IPv4와 IPv6 주소를 모두 담을 수 있는 구조체
	socklen_t addrlen;
	char addr[INET6_ADDRSTRLEN];
	int port;
	char buf[BUFSIZE + 1];

	while (1) {
		//accept()
		addrlen = sizeof(clientAddr);
		clientSock = accept(listenSock, (struct sockaddr*)&clientAddr, &addrlen);
		if (clientSock == INVALID_SOCKET) {
			err_display("accept()");
			break;
		}

		//접속한 클라이언트 정보 출력: 주소 체계에 따라 sockaddr_in 또는 sockaddr_in6로 본다
		if (clientAddr.ss_family == AF_INET) {
			struct sockaddr_in* clientAddr4 = (struct sockaddr_in*)&clientAddr;
			inet_ntop(AF_INET, &clientAddr4->sin_addr, addr, sizeof(addr));
			port = ntohs(clientAddr4->sin_port);
		}
		else {
			struct sockaddr_in6* clientAddr6 = (struct sockaddr_in6*)&clientAddr;
			inet_ntop(AF_INET6, &clientAddr6->sin6_addr, addr, sizeof(addr));
			port = ntohs(clientAddr6->sin6_port);
		}
		printf("\n[TCP/%s 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n", clientAddr.ss_family == AF_INET ? "IPv4" : "IPv6", addr, port);

		//클라이언트와 데이터 통신
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
			printf("[TCP/%s:%d] %s\n", addr, port, buf);

			//데이터 보내기
			retval = send(clientSock, buf, retval, 0);
			if (retval == SOCKET_ERROR) {
				err_display("send()");
				break;
			}
		}

		//소켓 닫기
		close(clientSock);
		printf("[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n", addr, port);
	}
	return 0;
}

//확장: argv[1] = 포트 번호 (선택, 기본값 SERVERPORT)
int main(int argc, char* argv[])
{
	int retval;
	int port = argc > 1 ? atoi(argv[1]) : SERVERPORT;

	//IPv4 리슨 소켓
	SOCKET listenSock4 = socket(AF_INET, SOCK_STREAM, 0);
	if (listenSock4 == INVALID_SOCKET) err_quit("socket()");

	struct sockaddr_in serverAddr4;
	memset(&serverAddr4, 0, sizeof(serverAddr4));
	serverAddr4.sin_family = AF_INET;
	serverAddr4.sin_port = htons(port);
	serverAddr4.sin_addr.s_addr = htonl(INADDR_ANY);
	retval = bind(listenSock4, (struct sockaddr*)&serverAddr4, sizeof(serverAddr4));
	if (retval == SOCKET_ERROR) err_quit("bind()");

	retval = listen(listenSock4, SOMAXCONN);
	if (retval == SOCKET_ERROR) err_quit("listen()");

	//IPv6 리슨 소켓: IPv6 전용으로 만들어야 IPv4 소켓과 같은 포트를 쓸 수 있다
	SOCKET listenSock6 = socket(AF_INET6, SOCK_STREAM, 0);
	if (listenSock6 == INVALID_SOCKET) err_quit("socket()");

	int on = 1;
	retval = setsockopt(listenSock6, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (retval == SOCKET_ERROR) err_quit("setsockopt()");

	struct sockaddr_in6 serverAddr6;
	memset(&serverAddr6, 0, sizeof(serverAddr6));
	serverAddr6.sin6_family = AF_INET6;
	serverAddr6.sin6_port = htons(port);
	serverAddr6.sin6_addr = in6addr_any;
	retval = bind(listenSock6, (struct sockaddr*)&serverAddr6, sizeof(serverAddr6));
	if (retval == SOCKET_ERROR) err_quit("bind()");

	retval = listen(listenSock6, SOMAXCONN);
	if (retval == SOCKET_ERROR) err_quit("listen()");

	//스레드 생성: 리슨 소켓마다 하나
	pthread_t tid4, tid6;
	retval = pthread_create(&tid4, NULL, ServeListener, (void*)(long long)listenSock4);
	if (retval != 0) err_display(retval);
	retval = pthread_create(&tid6, NULL, ServeListener, (void*)(long long)listenSock6);
	if (retval != 0) err_display(retval);

	//두 스레드가 끝날 때까지 기다린다
	pthread_join(tid4, NULL);
	pthread_join(tid6, NULL);

	//소켓 닫기
	close(listenSock4);
	close(listenSock6);
	return 0;
}
