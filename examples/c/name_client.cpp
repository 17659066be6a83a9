// Name resolution, then connect - the domain-name chapter's program: GetIPAddr()
// (gethostbyname) and GetDomainName() (gethostbyaddr) as the chapter writes them,
// then the echo client's connect() to the address found, one line sent and its
// echo received and printed.
// Arguments (the extension, as in the other examples): the host name (argv[1],
// default TESTNAME) and the port (argv[2], default SERVERPORT).
#include "common.h"

#define TESTNAME "localhost"
#define SERVERPORT 9000
#define BUFSIZE 512

// 도메인 이름 -> IPv4 주소
bool GetIPAddr(const char* name, struct in_addr* addr)
{
	struct hostent* ptr = gethostbyname(name);
	if (ptr == NULL) {
		err_display("gethostbyname()");
		return false;
	}
	if (ptr->h_addrtype != AF_INET)
		return false;
	memcpy(addr, ptr->h_addr, ptr->h_length);
	return true;
}

// IPv4 주소 -> 도메인 이름
bool GetDomainName(struct in_addr addr, char* name, int namelen)
{
	struct hostent* ptr = gethostbyaddr((const char*)&addr, sizeof(addr), AF_INET);
	if (ptr == NULL) {
		err_display("gethostbyaddr()");
		return false;
	}
	if (ptr->h_addrtype != AF_INET)
		return false;
	strncpy(name, ptr->h_name, namelen);
	return true;
}

int main(int argc, char* argv[])
{
	const char* host = argc > 1 ? argv[1] : TESTNAME;
	printf("도메인 이름(변환 전) = %s\n", host);

	// 도메인 이름 -> IP 주소
	struct in_addr addr;
	if (!GetIPAddr(host, &addr)) return 1;
	char str[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &addr, str, sizeof(str));
	printf("IP 주소(변환 후) = %s\n", str);

	// IP 주소 -> 도메인 이름
	char name[256];
	if (GetDomainName(addr, name, sizeof(name)))
		printf("도메인 이름(다시 변환 후) = %s\n", name);

	// 찾은 주소로 연결
	int sock = socket(AF_INET, SOCK_STREAM, 0);
	if (sock == INVALID_SOCKET) err_quit("socket()");
	struct sockaddr_in serverAddr;
	memset(&serverAddr, 0, sizeof(serverAddr));
	serverAddr.sin_family = AF_INET;
	serverAddr.sin_addr = addr;
	serverAddr.sin_port = htons(argc > 2 ? atoi(argv[2]) : SERVERPORT);
	int retval = connect(sock, (struct sockaddr*)&serverAddr, sizeof(serverAddr));
	if (retval == SOCKET_ERROR) err_quit("connect()");

	// 데이터 통신: 한 줄을 보내고, 보낸 만큼 돌려받는다
	char buf[BUFSIZE + 1] = "hello, world";
	int len = (int)strlen(buf);
	retval = send(sock, buf, len, 0);
	if (retval == SOCKET_ERROR) err_quit("send()");
	printf("[TCP 클라이언트] %d바이트를 보냈습니다.\n", retval);
	retval = recv(sock, buf, retval, MSG_WAITALL);
	if (retval == SOCKET_ERROR) err_quit("recv()");
	buf[retval] = '\0';
	printf("[TCP 클라이언트] %d바이트를 받았습니다.\n", retval);
	printf("[받은 데이터] %s\n", buf);

	close(sock);
	return 0;
}
