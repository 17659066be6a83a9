// Echo server on select(2) - the I/O-model chapter's server: one thread serves
// every client. select() waits until the listening socket or a client socket is
// readable; accept() and recv() then return at once, so nothing else blocks.
// Optional port argument (argv[1], default SERVERPORT), as in echo_server.cpp.
#include "common.h"

#define SERVERPORT 9000
#define BUFSIZE 512

// 클라이언트 정보
struct SOCKETINFO {
	SOCKET sock;
	char addr[INET_ADDRSTRLEN];
	int port;
};
int nTotalSockets = 0;
struct SOCKETINFO SocketInfoArray[FD_SETSIZE];

int main(int argc, char* argv[]) {
	int retval;

	//소켓 생성
	SOCKET listen_sock = socket(AF_INET, SOCK_STREAM, 0);
	if (listen_sock == INVALID_SOCKET) err_quit("socket()");

	//bind()
	struct sockaddr_in serverAddr;
	memset(&serverAddr, 0, sizeof(serverAddr));
	serverAddr.sin_family = AF_INET;
	serverAddr.sin_port = htons(argc > 1 ? atoi(argv[1]) : SERVERPORT);
	serverAddr.sin_addr.s_addr = htonl(INADDR_ANY);
	retval = bind(listen_sock, (struct sockaddr*)&serverAddr, sizeof(serverAddr));
	if (retval == SOCKET_ERROR) err_quit("bind()");

	//listen()
	retval = listen(listen_sock, SOMAXCONN);
	if (retval == SOCKET_ERROR) err_quit("listen()");

	//데이터 통신에 사용할 변수
	fd_set rset;
	SOCKET client_sock;
	struct sockaddr_in clientAddr;
	socklen_t addrlen;
	char buf[BUFSIZE];

	while (1) {
		//소켓 셋 초기화
		FD_ZERO(&rset);
		FD_SET(listen_sock, &rset);
		int maxfd = listen_sock;
		for (int i = 0; i < nTotalSockets; i++) {
			FD_SET(SocketInfoArray[i].sock, &rset);
			if (SocketInfoArray[i].sock > maxfd) maxfd = SocketInfoArray[i].sock;
		}

		//select()
		retval = select(maxfd + 1, &rset, NULL, NULL, NULL);
		if (retval == SOCKET_ERROR) err_quit("select()");

		//소켓 셋 검사(1): 클라이언트 접속 수용
		if (FD_ISSET(listen_sock, &rset)) {
			addrlen = sizeof(clientAddr);
			client_sock = accept(listen_sock, (struct sockaddr*)&clientAddr, &addrlen);
			if (client_sock == INVALID_SOCKET) {
				err_display("accept()");
			}
			else if (nTotalSockets == FD_SETSIZE - 1 || client_sock >= FD_SETSIZE) {
				printf("[오류] 소켓 정보를 추가할 수 없습니다!\n");
				close(client_sock);
			}
			else {
				//접속한 클라이언트 정보 출력
				struct SOCKETINFO* ptr = &SocketInfoArray[nTotalSockets++];
				ptr->sock = client_sock;
				inet_ntop(AF_INET, &clientAddr.sin_addr, ptr->addr, sizeof(ptr->addr));
				ptr->port = ntohs(clientAddr.sin_port);
				printf("\n[TCP 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n", ptr->addr, ptr->port);
			}
			if (--retval <= 0) continue;
		}

		//소켓 셋 검사(2): 데이터 통신
		for (int i = 0; i < nTotalSockets; i++) {
			struct SOCKETINFO* ptr = &SocketInfoArray[i];
			if (!FD_ISSET(ptr->sock, &rset)) continue;

			//데이터 받기
			retval = recv(ptr->sock, buf, BUFSIZE - 1, 0);
			if (retval == SOCKET_ERROR || retval == 0) {
				if (retval == SOCKET_ERROR) err_display("recv()");
				printf("[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n", ptr->addr, ptr->port);
				close(ptr->sock);
				//배열의 마지막 소켓 정보를 이 자리로 옮긴다
				SocketInfoArray[i] = SocketInfoArray[--nTotalSockets];
				i--;
				continue;
			}

			//받은 데이터 출력
			buf[retval] = '\0';
			printf("[TCP/%s:%d] %s\n", ptr->addr, ptr->port, buf);

			//데이터 보내기
			retval = send(ptr->sock, buf, retval, 0);
			if (retval == SOCKET_ERROR) err_display("send()");
		}
	}

	close(listen_sock);
	return 0;
}
