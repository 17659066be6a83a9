// Echo server with read()/write() - the TCP server as note 004 lays it out:
// 1. socket() 2. bind() 3. listen() 4. accept() 5. read() / write() 6. close().
// Source: note 004, "TCP 서버에서의 기본적인 함수호출 순서", written out on the notes'
// echo server (echo_server.cpp): the same common code and variables, with the data
// exchange made by read() and write(), the calls note 004 names for it.
// Extension as in the other examples: the optional port argument (argv[1], default SERVERPORT).
#include "common.h"

#define SERVERPORT 9000
#define BUFSIZE 512

int main(int argc, char* argv[]){
	// 1. socket() : 소켓생성
	int sock = socket(AF_INET, SOCK_STREAM, 0);
	if (sock == INVALID_SOCKET) {
		err_quit("socket()");
	}

	// 2. bind() : 소켓 주소 할당
	struct sockaddr_in serverAddr;
	memset(&serverAddr, 0, sizeof(serverAddr));
	serverAddr.sin_family = AF_INET;
	//확장: argv[1]이 있으면 그 포트를 사용 (테스트에서 빈 포트를 쓰기 위함)
	serverAddr.sin_port = htons(argc > 1 ? atoi(argv[1]) : SERVERPORT);
	serverAddr.sin_addr.s_addr = htonl(INADDR_ANY);
	int retval = bind(sock, (struct sockaddr*)&serverAddr, sizeof(serverAddr));
	if (retval == SOCKET_ERROR) {
		err_quit("bind()");
	}

	// 3. listen() : 연결요청 대기 상태 (연결요청 대기 큐의 크기 5)
	retval = listen(sock, 5);
	if (retval == SOCKET_ERROR) {
		err_quit("listen()");
	}

	int clientSock;
	struct sockaddr_in clientAddr;
	socklen_t addrlen;
	char buf[BUFSIZE];

	while (1) {
		// 4. accept() : 연결 허용
		addrlen = sizeof(clientAddr);
		clientSock = accept(sock, (struct sockaddr*)&clientAddr, &addrlen);
		if (clientSock == INVALID_SOCKET) {
			err_display("accept()");
			break;
		}
		char addr[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &clientAddr.sin_addr, addr, sizeof(addr));
		printf("[TCP 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n", addr, ntohs(clientAddr.sin_port));

		// 5. read() / write() : 데이터 송수신
		while (1) {
			retval = read(clientSock, buf, BUFSIZE);
			if (retval == -1) {
				err_display("read()");
				break;
			}
			else if (retval == 0) break;
			printf("[TCP/%s:%d] %d바이트를 받았습니다.\n", addr, ntohs(clientAddr.sin_port), retval);

			retval = write(clientSock, buf, retval);
			if (retval == -1) {
				err_display("write()");
				break;
			}
		}

		// 6. close() : 연결종료
		close(clientSock);
		printf("[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n", addr, ntohs(clientAddr.sin_port));
	}

	close(sock);
	return 0;
}
