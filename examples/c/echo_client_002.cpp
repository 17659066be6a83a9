////////////////////////////////////////////////////////////////////////////////////////////////////////////
// Echo client, note 002's version - C/C++ original from the lecture notes.
// Source: notes 002, "3. TCP 서버 - 클라이언트 구현" -> [클라이언트 코드] [최대 512 바이트씩 전달하는 프로그램].
// An earlier copy of echo_client.cpp that differs in three places, kept as written (see README.md):
// it tests sizeof(buf) == BUFSIZE (never true: sizeof(buf) is 513), sends strlen(buf) + 1 bytes
// (the terminating NUL too), and has no "테스트%d" line.
// Deliberate changes, the same as echo_client.cpp's:
//  - optional server IP (argv[1], default SERVERIP) and port (argv[2], default SERVERPORT);
//  - the strlen() value printed with %d is cast to (int) (same output, no UB).
#include "common.h"

const char* SERVERIP = "127.0.0.1";
#define SERVERPORT 9000
#define BUFSIZE 512


//확장: argv[1] = 서버 IP (선택, 기본값 SERVERIP), argv[2] = 포트 번호 (선택, 기본값 SERVERPORT)
int main(int argc, char* argv[]) {
	int retval;

	//소켓 생성
	SOCKET sock = socket(AF_INET, SOCK_STREAM, 0);
	if (sock == INVALID_SOCKET) err_quit("sock()");
	
	//connect()
	struct sockaddr_in serverAddr;
	memset(&serverAddr, 0, sizeof(serverAddr));
	serverAddr.sin_family = AF_INET;
	//확장: argv[1]이 있으면 그 IP, argv[2]가 있으면 그 포트를 사용
	inet_pton(AF_INET, argc > 1 ? argv[1] : SERVERIP, &serverAddr.sin_addr);
	serverAddr.sin_port = htons(argc > 2 ? atoi(argv[2]) : SERVERPORT);
	retval = connect(sock, (struct sockaddr*)&serverAddr, sizeof(serverAddr));
	if (retval == INVALID_SOCKET) err_quit("connect()");

	char buf[BUFSIZE + 1];
	int len;

	while (1) {
		printf("보낼 데이터\n");

		//엔터를 누르면서 줄바꿈까지 포함됨 예를 들어 a + enter => a + \n => buf의 크기를 구하면 2바이트 출력됨
		//fgets 특성상 마지막 문자열에 NULL을 추가함, 즉 buf[513](BUFSIZE + 1)에 반드시 NULL이 추가됨 (버퍼 사이즈를 513으로 지정했기 때문) 그렇기에 strlen을 이용하여 문자열의
		// 크기를 구할 때 최대가 512임 
		if (fgets(buf, BUFSIZE + 1, stdin) == NULL) break;
		
		//a를 입력하면 \n까지 합쳐서 len의 값이 2가 됨, 
		len = strlen(buf);
		printf("%d\n", (int)strlen(buf)); //변경: size_t를 %d로 출력하므로 (int) 캐스트 (출력 동일)
		
		//버퍼의 크기가 512 미만인경우, \n 문자가 추가되어 해당 문자를 NULL로 교체, 
		// 512 이상인 경우 \n 문자가 삽입되지 않아 NULL 값 넣음
		if (sizeof(buf) == BUFSIZE) {
			buf[len] = '\0';
		}
		else {
			buf[len - 1] = '\0';
		}
		
		retval = send(sock, buf, strlen(buf) + 1, 0);
		if (retval == SOCKET_ERROR) {
			err_display("send");
			break;
		}

		printf("총 %d바이트를 보냈습니다.\n", retval);

		retval = recv(sock, buf, retval, MSG_WAITALL);
		printf("방금 %d바이트를 받았습니다..\n", retval);


		buf[retval] = '\0';
		printf("%s\n", buf);

		
	}
	close(sock);

}
