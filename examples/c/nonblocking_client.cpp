// Client with a non-blocking connect(2): with O_NONBLOCK set, connect() returns
// -1 with EINPROGRESS while the handshake runs; select() reports the socket
// writable once it is done, and getsockopt(SO_ERROR) says how it ended (0, or
// e.g. ECONNREFUSED). Then it sends one message and prints the echo.
// Optional server IP (argv[1], default SERVERIP) and port (argv[2], default SERVERPORT).
#include "common.h"

const char* SERVERIP = "127.0.0.1";
#define SERVERPORT 9000
#define BUFSIZE 512

int main(int argc, char* argv[]) {
	int retval;

	//소켓 생성
	SOCKET sock = socket(AF_INET, SOCK_STREAM, 0);
	if (sock == INVALID_SOCKET) err_quit("socket()");

	//넌블로킹 소켓으로 전환
	int flags = fcntl(sock, F_GETFL, 0);
	retval = fcntl(sock, F_SETFL, flags | O_NONBLOCK);
	if (retval == SOCKET_ERROR) err_quit("fcntl()");

	//connect()
	struct sockaddr_in serverAddr;
	memset(&serverAddr, 0, sizeof(serverAddr));
	serverAddr.sin_family = AF_INET;
	inet_pton(AF_INET, argc > 1 ? argv[1] : SERVERIP, &serverAddr.sin_addr);
	serverAddr.sin_port = htons(argc > 2 ? atoi(argv[2]) : SERVERPORT);
	retval = connect(sock, (struct sockaddr*)&serverAddr, sizeof(serverAddr));
	if (retval == SOCKET_ERROR && errno != EINPROGRESS) err_quit("connect()");

	if (retval == SOCKET_ERROR) {
		printf("[TCP 클라이언트] 연결 중...\n");

		//쓰기 가능해질 때까지 (최대 5초) 기다린다
		fd_set wset;
		FD_ZERO(&wset);
		FD_SET(sock, &wset);
		struct timeval tv;
		tv.tv_sec = 5;
		tv.tv_usec = 0;
		retval = select(sock + 1, NULL, &wset, NULL, &tv);
		if (retval == SOCKET_ERROR) err_quit("select()");
		if (retval == 0) {
			printf("[TCP 클라이언트] 시간 초과\n");
			exit(1);
		}

		//연결 결과 확인
		int err = 0;
		socklen_t optlen = sizeof(err);
		retval = getsockopt(sock, SOL_SOCKET, SO_ERROR, &err, &optlen);
		if (retval == SOCKET_ERROR) err_quit("getsockopt()");
		if (err != 0) {
			err_display(err);
			exit(1);
		}
	}
	printf("[TCP 클라이언트] 서버 접속 성공\n");

	//블로킹 소켓으로 되돌린다
	retval = fcntl(sock, F_SETFL, flags);
	if (retval == SOCKET_ERROR) err_quit("fcntl()");

	//데이터 보내기
	char buf[BUFSIZE + 1];
	const char* msg = "hello, non-blocking connect";
	int len = strlen(msg);
	memcpy(buf, msg, len);
	retval = send(sock, buf, len, 0);
	if (retval == SOCKET_ERROR) err_quit("send()");
	printf("[TCP 클라이언트] %d바이트를 보냈습니다.\n", retval);

	//데이터 받기
	retval = recv(sock, buf, retval, MSG_WAITALL);
	if (retval == SOCKET_ERROR) err_quit("recv()");
	buf[retval] = '\0';
	printf("[TCP 클라이언트] %d바이트를 받았습니다: %s\n", retval, buf);

	close(sock);
	return 0;
}
