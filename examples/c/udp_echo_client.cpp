////////////////////////////////////////////////////////////////////////////////////////////////////////////
// UDP echo client (IPv4). Not in the notes; written for this course in the style of the notes'
// TCP echo client (echo_client.cpp). Each line read is sent as one datagram with sendto(), and
// the echo is one recvfrom(). Its buffer is larger than the server's (BUFSIZE 1024 against 512), so
// a line of more than 512 bytes shows a datagram longer than the receiving buffer: the server gets
// (and echoes) only its first 512 bytes. An empty line ends the program.
// Same extension as echo_client.cpp: optional server IP (argv[1]) and port (argv[2]).
#include "common.h"

const char* SERVERIP = "127.0.0.1";
#define SERVERPORT 9000
#define BUFSIZE 1024


//확장: argv[1] = 서버 IP (선택, 기본값 SERVERIP), argv[2] = 포트 번호 (선택, 기본값 SERVERPORT)
int main(int argc, char* argv[]) {
	int retval;

	//소켓 생성 (SOCK_DGRAM: UDP)
	SOCKET sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (sock == INVALID_SOCKET) err_quit("socket()");

	//서버 주소: UDP는 connect() 없이 sendto()마다 받는 쪽 주소를 준다
	struct sockaddr_in serverAddr;
	memset(&serverAddr, 0, sizeof(serverAddr));
	serverAddr.sin_family = AF_INET;
	inet_pton(AF_INET, argc > 1 ? argv[1] : SERVERIP, &serverAddr.sin_addr);
	serverAddr.sin_port = htons(argc > 2 ? atoi(argv[2]) : SERVERPORT);

	//데이터 통신에 사용할 변수
	struct sockaddr_in peerAddr;
	socklen_t addrlen;
	char buf[BUFSIZE + 1];
	int len;

	while (1) {
		printf("\n[보낼 데이터] ");
		if (fgets(buf, BUFSIZE + 1, stdin) == NULL) break;

		//'\n' 문자 제거, 빈 줄이면 끝
		len = (int)strlen(buf);
		if (buf[len - 1] == '\n') buf[len - 1] = '\0';
		if (strlen(buf) == 0) break;

		//데이터 보내기: 한 번의 sendto()가 데이터그램 하나
		retval = sendto(sock, buf, (int)strlen(buf), 0, (struct sockaddr*)&serverAddr, sizeof(serverAddr));
		if (retval == SOCKET_ERROR) {
			err_display("sendto()");
			break;
		}
		printf("[UDP 클라이언트] %d바이트를 보냈습니다.\n", retval);

		//데이터 받기
		addrlen = sizeof(peerAddr);
		retval = recvfrom(sock, buf, BUFSIZE, 0, (struct sockaddr*)&peerAddr, &addrlen);
		if (retval == SOCKET_ERROR) {
			err_display("recvfrom()");
			break;
		}

		//보낸 쪽 주소 확인: 서버가 아닌 곳에서 온 데이터그램은 버린다
		if (memcmp(&peerAddr, &serverAddr, sizeof(peerAddr))) {
			printf("[오류] 잘못된 데이터입니다!\n");
			break;
		}

		//받은 데이터 출력
		buf[retval] = '\0';
		printf("[UDP 클라이언트] %d바이트를 받았습니다.\n", retval);
		printf("[받은 데이터] %s\n", buf);
	}

	close(sock);
	return 0;
}
