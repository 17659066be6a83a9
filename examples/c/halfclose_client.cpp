////////////////////////////////////////////////////////////////////////////////////////////////////////////
// Half-closing client (IPv4). Not in the notes; written for this course in the style of the notes'
// echo client. It reads all of stdin, sends it in one send(), closes its sending side with
// shutdown(SHUT_WR) - the server's recv() then returns 0, while this side can still receive - and
// reads the reply until the server closes the connection (recv() returns 0).
// Same extension as echo_client.cpp: optional server IP (argv[1]) and port (argv[2]).
#include "common.h"

const char* SERVERIP = "127.0.0.1";
#define SERVERPORT 9000
#define BUFSIZE 4096


//확장: argv[1] = 서버 IP (선택, 기본값 SERVERIP), argv[2] = 포트 번호 (선택, 기본값 SERVERPORT)
int main(int argc, char* argv[])
{
	int retval;

	//소켓 생성
	SOCKET sock = socket(AF_INET, SOCK_STREAM, 0);
	if (sock == INVALID_SOCKET) err_quit("socket()");

	//connect()
	struct sockaddr_in serverAddr;
	memset(&serverAddr, 0, sizeof(serverAddr));
	serverAddr.sin_family = AF_INET;
	inet_pton(AF_INET, argc > 1 ? argv[1] : SERVERIP, &serverAddr.sin_addr);
	serverAddr.sin_port = htons(argc > 2 ? atoi(argv[2]) : SERVERPORT);
	retval = connect(sock, (struct sockaddr*)&serverAddr, sizeof(serverAddr));
	if (retval == SOCKET_ERROR) err_quit("connect()");

	//데이터 통신에 사용할 변수
	char buf[BUFSIZE + 1];
	int len = 0;

	//보낼 데이터를 모두 읽는다 (한 줄씩, 줄바꿈 포함)
	while (len < BUFSIZE && fgets(buf + len, BUFSIZE + 1 - len, stdin) != NULL) {
		len += (int)strlen(buf + len);
	}

	//한 번에 보낸다
	retval = send(sock, buf, len, 0);
	if (retval == SOCKET_ERROR) err_quit("send()");
	printf("[TCP 클라이언트] %d바이트를 보냈습니다.\n", retval);

	//송신 종료 (half-close): 서버의 recv()는 0을 돌려받고, 이쪽은 계속 받을 수 있다
	retval = shutdown(sock, SHUT_WR);
	if (retval == SOCKET_ERROR) err_quit("shutdown()");

	//서버가 연결을 닫을 때까지 (recv()가 0을 돌려줄 때까지) 받는다
	len = 0;
	while (1) {
		retval = recv(sock, buf, BUFSIZE, 0);
		if (retval == SOCKET_ERROR) err_quit("recv()");
		else if (retval == 0) break;

		buf[retval] = '\0';
		printf("%s", buf);
		len += retval;
	}
	printf("[TCP 클라이언트] %d바이트를 받았습니다.\n", len);

	//소켓 닫기
	close(sock);
	return 0;
}
