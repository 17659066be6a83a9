// Echo server on epoll(7) (Linux) - the select server with an epoll instance:
// the descriptors are registered once (epoll_ctl), and epoll_wait() returns only
// the ready ones, each with the data given at registration (here the index of
// its client information). Optional port argument (argv[1], default SERVERPORT).
#include "common.h"

#define SERVERPORT 9000
#define BUFSIZE 512
#define MAXEVENTS 64

// 클라이언트 정보 (epoll_event.data.u32 = 이 배열의 자리, 0 = 대기 소켓)
struct SOCKETINFO {
	SOCKET sock;
	char addr[INET_ADDRSTRLEN];
	int port;
};
struct SOCKETINFO SocketInfoArray[MAXEVENTS];

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

	//epoll 인스턴스 생성, 대기 소켓 등록
	int epfd = epoll_create1(0);
	if (epfd == -1) err_quit("epoll_create1()");
	struct epoll_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = 0;
	retval = epoll_ctl(epfd, EPOLL_CTL_ADD, listen_sock, &ev);
	if (retval == -1) err_quit("epoll_ctl()");
	for (int i = 1; i < MAXEVENTS; i++) SocketInfoArray[i].sock = INVALID_SOCKET;

	//데이터 통신에 사용할 변수
	struct epoll_event events[MAXEVENTS];
	SOCKET client_sock;
	struct sockaddr_in clientAddr;
	socklen_t addrlen;
	char buf[BUFSIZE];

	while (1) {
		//epoll_wait()
		int nready = epoll_wait(epfd, events, MAXEVENTS, -1);
		if (nready == -1) err_quit("epoll_wait()");

		for (int n = 0; n < nready; n++) {
			int i = events[n].data.u32;

			//클라이언트 접속 수용
			if (i == 0) {
				addrlen = sizeof(clientAddr);
				client_sock = accept(listen_sock, (struct sockaddr*)&clientAddr, &addrlen);
				if (client_sock == INVALID_SOCKET) {
					err_display("accept()");
					continue;
				}
				int k = 1;
				while (k < MAXEVENTS && SocketInfoArray[k].sock != INVALID_SOCKET) k++;
				if (k == MAXEVENTS) {
					printf("[오류] 소켓 정보를 추가할 수 없습니다!\n");
					close(client_sock);
					continue;
				}
				//접속한 클라이언트 정보 출력, 등록
				struct SOCKETINFO* ptr = &SocketInfoArray[k];
				ptr->sock = client_sock;
				inet_ntop(AF_INET, &clientAddr.sin_addr, ptr->addr, sizeof(ptr->addr));
				ptr->port = ntohs(clientAddr.sin_port);
				printf("\n[TCP 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n", ptr->addr, ptr->port);
				ev.events = EPOLLIN;
				ev.data.u32 = k;
				retval = epoll_ctl(epfd, EPOLL_CTL_ADD, client_sock, &ev);
				if (retval == -1) err_display("epoll_ctl()");
				continue;
			}

			//데이터 받기
			struct SOCKETINFO* ptr = &SocketInfoArray[i];
			retval = recv(ptr->sock, buf, BUFSIZE - 1, 0);
			if (retval == SOCKET_ERROR || retval == 0) {
				if (retval == SOCKET_ERROR) err_display("recv()");
				printf("[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n", ptr->addr, ptr->port);
				epoll_ctl(epfd, EPOLL_CTL_DEL, ptr->sock, NULL);
				close(ptr->sock);
				ptr->sock = INVALID_SOCKET;
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

	close(epfd);
	close(listen_sock);
	return 0;
}
