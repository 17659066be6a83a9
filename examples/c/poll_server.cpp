// Echo server on poll(2) - the select server with an array of struct pollfd:
// fds[0] is the listening socket, fds[1..] the clients, with no FD_SETSIZE limit
// on the descriptor numbers. Optional port argument (argv[1], default SERVERPORT).
#include "common.h"

#define SERVERPORT 9000
#define BUFSIZE 512
#define MAXFDS 64

// 클라이언트 정보 (fds[i]와 같은 자리)
struct SOCKETINFO {
	char addr[INET_ADDRSTRLEN];
	int port;
};
struct pollfd fds[MAXFDS];
struct SOCKETINFO SocketInfoArray[MAXFDS];
int nfds = 0;

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
	SOCKET client_sock;
	struct sockaddr_in clientAddr;
	socklen_t addrlen;
	char buf[BUFSIZE];

	fds[0].fd = listen_sock;
	fds[0].events = POLLIN;
	nfds = 1;

	while (1) {
		//poll()
		retval = poll(fds, nfds, -1);
		if (retval == SOCKET_ERROR) err_quit("poll()");

		//클라이언트 접속 수용
		if (fds[0].revents & POLLIN) {
			addrlen = sizeof(clientAddr);
			client_sock = accept(listen_sock, (struct sockaddr*)&clientAddr, &addrlen);
			if (client_sock == INVALID_SOCKET) {
				err_display("accept()");
			}
			else if (nfds == MAXFDS) {
				printf("[오류] 소켓 정보를 추가할 수 없습니다!\n");
				close(client_sock);
			}
			else {
				//접속한 클라이언트 정보 출력
				fds[nfds].fd = client_sock;
				fds[nfds].events = POLLIN;
				fds[nfds].revents = 0;
				struct SOCKETINFO* ptr = &SocketInfoArray[nfds];
				inet_ntop(AF_INET, &clientAddr.sin_addr, ptr->addr, sizeof(ptr->addr));
				ptr->port = ntohs(clientAddr.sin_port);
				printf("\n[TCP 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n", ptr->addr, ptr->port);
				nfds++;
			}
		}

		//데이터 통신 (POLLIN, 또는 POLLHUP/POLLERR: recv()가 결과를 알려 준다)
		for (int i = 1; i < nfds; i++) {
			if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
			struct SOCKETINFO* ptr = &SocketInfoArray[i];

			//데이터 받기
			retval = recv(fds[i].fd, buf, BUFSIZE - 1, 0);
			if (retval == SOCKET_ERROR || retval == 0) {
				if (retval == SOCKET_ERROR) err_display("recv()");
				printf("[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n", ptr->addr, ptr->port);
				close(fds[i].fd);
				//배열의 마지막 항목을 이 자리로 옮긴다
				nfds--;
				fds[i] = fds[nfds];
				SocketInfoArray[i] = SocketInfoArray[nfds];
				i--;
				continue;
			}

			//받은 데이터 출력
			buf[retval] = '\0';
			printf("[TCP/%s:%d] %s\n", ptr->addr, ptr->port, buf);

			//데이터 보내기
			retval = send(fds[i].fd, buf, retval, 0);
			if (retval == SOCKET_ERROR) err_display("send()");
		}
	}

	close(listen_sock);
	return 0;
}
