////////////////////////////////////////////////////////////////////////////////////////////////////////////
// Read-to-the-end echo server (IPv4) - c/halfclose_server.cpp in TypeScript, line for line.
// Same variable names, same calls in the same order, same output bytes and exit codes; the
// comments are kept so that the two files read side by side. Blocking calls are awaited.
// Same extension as the C program: the optional port argument (argv[1], default SERVERPORT).
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR, type SOCKET } from './common.js';
import { printf, atoi } from 'posix-sockets/libc';
import { socket, bind, listen, accept, recv, send, close, sockaddr_in, socklen_t, sizeof, htons, htonl, ntohs,
	inet_ntop, AF_INET, SOCK_STREAM, SOMAXCONN, INADDR_ANY, INET_ADDRSTRLEN } from 'posix-sockets';

const SERVERPORT = 9000;
const BUFSIZE = 4096;


//확장: argv[1] = 포트 번호 (선택, 기본값 SERVERPORT)
async function main(argc: number, argv: string[])
{
	let retval: number;

	//소켓 생성
	const listenSock: SOCKET = socket(AF_INET, SOCK_STREAM, 0);
	if (listenSock === INVALID_SOCKET) err_quit('socket()');

	//bind()
	const serverAddr = new sockaddr_in();
	serverAddr.bytes.fill(0, 0, sizeof(serverAddr)); //memset(&serverAddr, 0, sizeof(serverAddr))
	serverAddr.sin_family = AF_INET;
	serverAddr.sin_port = htons(argc > 1 ? atoi(argv[1]) : SERVERPORT);
	serverAddr.sin_addr.s_addr = htonl(INADDR_ANY);
	retval = bind(listenSock, serverAddr, sizeof(serverAddr));
	if (retval === SOCKET_ERROR) err_quit('bind()');

	//listen()
	retval = listen(listenSock, SOMAXCONN);
	if (retval === SOCKET_ERROR) err_quit('listen()');

	//데이터 통신에 사용할 변수
	let clientSock: SOCKET;
	const clientAddr = new sockaddr_in();
	const addrlen = socklen_t();
	const buf = Buffer.alloc(BUFSIZE);
	let total: number;

	while (1) {
		//accept()
		addrlen.value = sizeof(clientAddr);
		clientSock = await accept(listenSock, clientAddr, addrlen);
		if (clientSock === INVALID_SOCKET) {
			err_display('accept()');
			break;
		}

		//접속한 클라이언트 정보 출력
		let addr: string | null; //char addr[INET_ADDRSTRLEN]
		addr = inet_ntop(AF_INET, clientAddr.sin_addr, INET_ADDRSTRLEN);
		printf('\n[TCP 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n', addr, ntohs(clientAddr.sin_port));

		//클라이언트가 송신을 끝낼 때까지 (recv()가 0을 돌려줄 때까지) 모두 받는다
		total = 0;
		while (total < BUFSIZE) {
			retval = await recv(clientSock, buf.subarray(total), BUFSIZE - total, 0); //buf + total
			if (retval === SOCKET_ERROR) {
				err_display('recv()');
				break;
			}
			else if (retval === 0) break;
			total += retval;
		}
		printf('[TCP 서버] %d바이트를 받았습니다.\n', total);

		//받은 데이터를 한 번에 돌려보내고 연결을 닫는다: 클라이언트는 recv()가 0을 돌려줄 때 끝을 안다
		retval = await send(clientSock, buf, total, 0);
		if (retval === SOCKET_ERROR) {
			err_display('send()');
		}
		else {
			printf('[TCP 서버] %d바이트를 보냈습니다.\n', retval);
		}

		//소켓 닫기
		close(clientSock);
		printf('[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n', addr, ntohs(clientAddr.sin_port));
	}

	//소켓 닫기
	close(listenSock);
	return 0;
}

// C's argc/argv: argv[0] is the program.
await main(process.argv.length - 1, process.argv.slice(1));
