// Echo server (IPv4) - the notes' echo server (c/echo_server.cpp) in TypeScript, line for line.
// Same variable names, same calls in the same order, same output bytes and exit codes; the notes'
// comments are kept so that the two files read side by side. Blocking calls are awaited.
// Same extension as the C program: the optional port argument (argv[1], default SERVERPORT).
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR } from './common.js';
import { printf, atoi } from 'posix-sockets/libc';
import { socket, bind, listen, accept, recv, send, close, sockaddr_in, socklen_t, sizeof, htons, htonl, ntohs,
	inet_ntop, AF_INET, SOCK_STREAM, SOMAXCONN, INADDR_ANY, INET_ADDRSTRLEN } from 'posix-sockets';

const SERVERPORT = 9000;
const BUFSIZE = 512;


////////////////////////////////////////////////////////////////////////////////////////////////////////////
//확장: argv[1] = 포트 번호 (선택, 기본값 SERVERPORT)
async function main(argc: number, argv: string[]) {
	//소켓 생성
const sock = socket(AF_INET, SOCK_STREAM, 0);
if (sock === INVALID_SOCKET) {
	err_display('sock');
}

//bind()
const serverAddr = new sockaddr_in();
serverAddr.bytes.fill(0, 0, sizeof(serverAddr)); //memset(&serverAddr, 0, sizeof(serverAddr))
//serverAddr에 할당된 크기만큼 0으로 초기화(모든데이터를 0으로 뒤집어 쓴다)
serverAddr.sin_family = AF_INET;
//확장: argv[1]이 있으면 그 포트를 사용 (테스트에서 빈 포트를 쓰기 위함)
serverAddr.sin_port = htons(argc > 1 ? atoi(argv[1]) : SERVERPORT);
serverAddr.sin_addr.s_addr = htonl(INADDR_ANY);
//INADDR_ANY는 0.0.0.0으로 모든 IP를 의미한다.

let retval = bind(sock, serverAddr, sizeof(serverAddr));
//엥? 왜 2번째 인수 serverAdrr을 sockaddr로 형 변환하지?
//bind 함수에서는 const struct sockaddr *로 인자를 받기 때문에 형 변환해줘야 한다.
//엥? 근데 sockaddr과 sockaddr_in의 멤버가 다르잖아? 어떻게 해석할건데?
//형 변환을 할때 sockaddr과 sockaddr_in의 첫번째 멤버는 각각 sa_family와 sin_family이다.
//struct sockaddr_in은 struct sockaddr의 첫 멤버들이 동일하게 배열되어 있어서 호환이 가능하다.
//sockaddr_in의 첫 멤버인 sin_family는 sockaddr의 sa_family와 동일한 위치에 있고, 
// 따라서 캐스팅을 통해 두 구조체는 같은 메모리 레이아웃을 공유하게 된다.
//그렇기에 아래와 같이 IP 주소 체계에 따라 다르게 로직을 수행한다.
/*
	int bind(int sockfd, const struct sockaddr* addr, socklen_t addrlen) {
		// 내부적으로는 addr->sa_family 값을 보고 어떤 주소 체계인지 확인
		// addr->sa_family가 AF_INET이면, addr을 struct sockaddr_in으로 간주하고 처리
		if (addr->sa_family == AF_INET) {
			// IPv4 주소 체계 처리
			const struct sockaddr_in* addr_in = (const struct sockaddr_in*)addr;
			// addr_in을 사용하여 소켓을 바인딩
		}
		else if (addr->sa_family == AF_INET6) {
			// IPv6 주소 체계 처리
			const struct sockaddr_in6* addr_in6 = (const struct sockaddr_in6*)addr;
			// addr_in6을 사용하여 소켓을 바인딩
		}
		// 다른 주소 체계 처리 ...
	}
*/
//SOMAXCONN은 백로그 큐의 길이이다. 최대는 SOMACCONN으로 4096이다.
retval = listen(sock, SOMAXCONN);
if (retval === SOCKET_ERROR) {
	err_quit('bind()');
}


//데이터 통신에 사용할 변수
let clientSock: number;
const clientAddr = new sockaddr_in();
const addrlen = socklen_t();
const buf = Buffer.alloc(BUFSIZE);

while (1) {
	addrlen.value = sizeof(clientAddr);
	clientSock = await accept(sock, clientAddr, addrlen);

	if (clientSock === INVALID_SOCKET) {
		err_display('accept()');
		break;
	}

	//접속한 클라이언트 정보 출력
	let addr: string | null; //char addr[INET_ADDRSTRLEN]
	addr = inet_ntop(AF_INET, clientAddr.sin_addr, INET_ADDRSTRLEN);
	printf('\n[TCP 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n', addr, ntohs(clientAddr.sin_port));

	//클라이언트와 데이터 통신
	while (1) {
		//데이터 받기
		retval = await recv(clientSock, buf, BUFSIZE - 1, 0);
		printf('%d', retval);
		if (retval === SOCKET_ERROR) {
			err_display('recv()');
			break;
		}
		else if (retval === 0) break;

		buf[retval] = 0; //'\0'
		printf('%s', buf);

		//데이터 보내기
		retval = await send(clientSock, buf, retval, 0);
		if (retval === SOCKET_ERROR) {
			err_display('send()');
			break;
		}

	}

	close(clientSock);

}

close(sock);
}

// C's argc/argv: argv[0] is the program.
await main(process.argv.length - 1, process.argv.slice(1));
