////////////////////////////////////////////////////////////////////////////////////////////////////////////
//공통 코드
// Source: lecture notes 000 / 002, "공통 코드" block at the top of [서버 코드] and [클라이언트 코드].
// Compiled as C++ (see README.md): err_display is overloaded exactly as in the notes.
// Changes from the notes: include guard, `#ifdef __linux__` around <sys/epoll.h>,
// and `inline` on the three functions so the header is safe to include.
#ifndef POSIX_SOCKETS_EXAMPLES_COMMON_H
#define POSIX_SOCKETS_EXAMPLES_COMMON_H

#include <sys/types.h> // basic type definitions
#include <sys/socket.h> // socket(), AF_INET, ...
#include <arpa/inet.h> // htons(), htonl(), ...
#include <netdb.h> // gethostbyname(), ...
#include <unistd.h> // close(), ...
#include <fcntl.h> // fcntl(), ...
#include <pthread.h> // pthread_create(), ...
#include <poll.h> // poll()
#ifdef __linux__
#include <sys/epoll.h> // epoll()
#endif

#include <stdio.h> // printf(), ...
#include <stdlib.h> // exit(), ...
#include <string.h> // strerror(), ...
#include <errno.h> // errno

// Windows 소켓 코드와 호환성을 위한 정의
typedef int SOCKET;
#define SOCKET_ERROR   -1
#define INVALID_SOCKET -1

// 소켓 함수 오류 출력 후 종료
inline void err_quit(const char* msg)
{
	char* msgbuf = strerror(errno);
	printf("[%s] %s\n", msg, msgbuf);
	exit(1);
}

// 소켓 함수 오류 출력
inline void err_display(const char* msg)
{
	char* msgbuf = strerror(errno);
	printf("[%s] %s\n", msg, msgbuf);
}

// 소켓 함수 오류 출력
inline void err_display(int errcode)
{
	char* msgbuf = strerror(errcode);
	printf("[오류] %s\n", msgbuf);
}

#endif // POSIX_SOCKETS_EXAMPLES_COMMON_H
////////////////////////////////////////////////////////////////////////////////////////////////////////////
