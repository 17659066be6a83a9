// Echo server with read()/write() - note 004's server (c/rw_echo_server.cpp) in TypeScript, line
// for line: 1. socket() 2. bind() 3. listen() 4. accept() 5. read() / write() 6. close().
// Same variables, same calls in the same order, same output; blocking calls are awaited.
// Same extension as the C program: the optional port argument (argv[1], default SERVERPORT).
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR } from './common.js';
import { printf, atoi } from 'posix-sockets/libc';
import { socket, bind, listen, accept, read, write, close, sockaddr_in, socklen_t, sizeof, htons, htonl, ntohs,
	inet_ntop, AF_INET, SOCK_STREAM, INADDR_ANY, INET_ADDRSTRLEN } from 'posix-sockets';

const SERVERPORT = 9000;
const BUFSIZE = 512;

async function main(argc: number, argv: string[]) {
	// 1. socket() : 소켓생성
	const sock = socket(AF_INET, SOCK_STREAM, 0);
	if (sock === INVALID_SOCKET) {
		err_quit('socket()');
	}

	// 2. bind() : 소켓 주소 할당
	const serverAddr = new sockaddr_in(); //memset(&serverAddr, 0, sizeof(serverAddr))
	serverAddr.sin_family = AF_INET;
	//확장: argv[1]이 있으면 그 포트를 사용 (테스트에서 빈 포트를 쓰기 위함)
	serverAddr.sin_port = htons(argc > 1 ? atoi(argv[1]) : SERVERPORT);
	serverAddr.sin_addr.s_addr = htonl(INADDR_ANY);
	let retval = bind(sock, serverAddr, sizeof(serverAddr));
	if (retval === SOCKET_ERROR) {
		err_quit('bind()');
	}

	// 3. listen() : 연결요청 대기 상태 (연결요청 대기 큐의 크기 5)
	retval = listen(sock, 5);
	if (retval === SOCKET_ERROR) {
		err_quit('listen()');
	}

	let clientSock: number;
	const clientAddr = new sockaddr_in();
	const addrlen = socklen_t();
	const buf = Buffer.alloc(BUFSIZE);

	while (1) {
		// 4. accept() : 연결 허용
		addrlen.value = sizeof(clientAddr);
		clientSock = await accept(sock, clientAddr, addrlen);
		if (clientSock === INVALID_SOCKET) {
			err_display('accept()');
			break;
		}
		const addr = inet_ntop(AF_INET, clientAddr.sin_addr, INET_ADDRSTRLEN); //char addr[INET_ADDRSTRLEN]
		printf('[TCP 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n', addr, ntohs(clientAddr.sin_port));

		// 5. read() / write() : 데이터 송수신
		while (1) {
			retval = await read(clientSock, buf, BUFSIZE);
			if (retval === -1) {
				err_display('read()');
				break;
			}
			else if (retval === 0) break;
			printf('[TCP/%s:%d] %d바이트를 받았습니다.\n', addr, ntohs(clientAddr.sin_port), retval);

			retval = await write(clientSock, buf, retval);
			if (retval === -1) {
				err_display('write()');
				break;
			}
		}

		// 6. close() : 연결종료
		close(clientSock);
		printf('[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n', addr, ntohs(clientAddr.sin_port));
	}

	close(sock);
	return 0;
}

// C's argc/argv: argv[0] is the program.
await main(process.argv.length - 1, process.argv.slice(1));
