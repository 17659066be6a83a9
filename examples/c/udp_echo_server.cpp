////////////////////////////////////////////////////////////////////////////////////////////////////////////
// UDP echo server (IPv4). Not in the notes, which only name sendto()/recvfrom() (000, 4 (1));
// written for this course in the style of the notes' TCP echo server (echo_server.cpp): same
// common code, same names, same kind of output. It shows what TCP does not have: each recvfrom()
// returns exactly one datagram, and a datagram longer than the buffer is cut (the rest is lost).
// Same extension as echo_server.cpp: the optional port argument (argv[1], default SERVERPORT).
#include "common.h"

#define SERVERPORT 9000
#define BUFSIZE 512


//확장: argv[1] = 포트 번호 (선택, 기본값 SERVERPORT)
int main(int argc, char* argv[]) {
	int retval;

	//소켓 생성 (SOCK_DGRAM: UDP)
	SOCKET sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (sock == INVALID_SOCKET) err_quit("socket()");

	//bind()
	struct sockaddr_in serverAddr;
	memset(&serverAddr, 0, sizeof(serverAddr));
	serverAddr.sin_family = AF_INET;
	serverAddr.sin_port = htons(argc > 1 ? atoi(argv[1]) : SERVERPORT);
	serverAddr.sin_addr.s_addr = htonl(INADDR_ANY);
	retval = bind(sock, (struct sockaddr*)&serverAddr, sizeof(serverAddr));
	if (retval == SOCKET_ERROR) err_quit("bind()");
	//UDP 서버에는 listen()도 accept()도 없다: 소켓 하나로 모든 클라이언트의 데이터그램을 받는다

	//데이터 통신에 사용할 변수
	struct sockaddr_in clientAddr;
	socklen_t addrlen;
	char buf[BUFSIZE + 1];

	while (1) {
		//데이터 받기: 데이터그램 하나를 받는다, BUFSIZE보다 긴 데이터그램은 잘리고 나머지는 버려진다
		addrlen = sizeof(clientAddr);
		retval = recvfrom(sock, buf, BUFSIZE, 0, (struct sockaddr*)&clientAddr, &addrlen);
		if (retval == SOCKET_ERROR) {
			err_display("recvfrom()");
			break;
		}

		//받은 데이터 출력
		buf[retval] = '\0';
		char addr[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &clientAddr.sin_addr, addr, sizeof(addr));
		printf("[UDP/%s:%d] %d바이트: %s\n", addr, ntohs(clientAddr.sin_port), retval, buf);

		//데이터 보내기: 받은 만큼 보낸 쪽 주소로 돌려보낸다
		retval = sendto(sock, buf, retval, 0, (struct sockaddr*)&clientAddr, sizeof(clientAddr));
		if (retval == SOCKET_ERROR) {
			err_display("sendto()");
			break;
		}
	}

	close(sock);
	return 0;
}
