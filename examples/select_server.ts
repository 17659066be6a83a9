// Echo server on select(2) - c/select_server.cpp in TypeScript, line for line: same variables,
// same calls in the same order, same output. The one wait is the multiplexer's: `await select()`
// makes the syscall on a pool thread while the event loop stays free; once it reports a socket
// readable, accept() and recv() return at once, as in C, so their sync twins are the port.
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR, type SOCKET } from './common.js';
import { printf, atoi } from 'posix-sockets/libc';
import { socket, bind, listen, acceptSync, recvSync, sendSync, close, select, sockaddr_in, socklen_t, sizeof,
	htons, htonl, ntohs, inet_ntop, fd_set, FD_ZERO, FD_SET, FD_ISSET, FD_SETSIZE,
	AF_INET, SOCK_STREAM, SOMAXCONN, INADDR_ANY, INET_ADDRSTRLEN } from 'posix-sockets';

const SERVERPORT = 9000;
const BUFSIZE = 512;

// 클라이언트 정보
interface SOCKETINFO {
	sock: SOCKET;
	addr: string | null;
	port: number;
}
let nTotalSockets = 0;
const SocketInfoArray: SOCKETINFO[] = [];

async function main(argc: number, argv: string[]) {
	let retval: number;

	//소켓 생성
	const listen_sock: SOCKET = socket(AF_INET, SOCK_STREAM, 0);
	if (listen_sock === INVALID_SOCKET) err_quit('socket()');

	//bind()
	const serverAddr = new sockaddr_in(); //memset(&serverAddr, 0, sizeof(serverAddr))
	serverAddr.sin_family = AF_INET;
	serverAddr.sin_port = htons(argc > 1 ? atoi(argv[1]) : SERVERPORT);
	serverAddr.sin_addr.s_addr = htonl(INADDR_ANY);
	retval = bind(listen_sock, serverAddr, sizeof(serverAddr));
	if (retval === SOCKET_ERROR) err_quit('bind()');

	//listen()
	retval = listen(listen_sock, SOMAXCONN);
	if (retval === SOCKET_ERROR) err_quit('listen()');

	//데이터 통신에 사용할 변수
	const rset = new fd_set();
	let client_sock: SOCKET;
	const clientAddr = new sockaddr_in();
	const addrlen = socklen_t();
	const buf = Buffer.alloc(BUFSIZE);

	while (1) {
		//소켓 셋 초기화
		FD_ZERO(rset);
		FD_SET(listen_sock, rset);
		let maxfd = listen_sock;
		for (let i = 0; i < nTotalSockets; i++) {
			FD_SET(SocketInfoArray[i].sock, rset);
			if (SocketInfoArray[i].sock > maxfd) maxfd = SocketInfoArray[i].sock;
		}

		//select()
		retval = await select(maxfd + 1, rset, null, null, null);
		if (retval === SOCKET_ERROR) err_quit('select()');

		//소켓 셋 검사(1): 클라이언트 접속 수용
		if (FD_ISSET(listen_sock, rset)) {
			addrlen.value = sizeof(clientAddr);
			client_sock = acceptSync(listen_sock, clientAddr, addrlen);
			if (client_sock === INVALID_SOCKET) {
				err_display('accept()');
			}
			else if (nTotalSockets === FD_SETSIZE - 1 || client_sock >= FD_SETSIZE) {
				printf('[오류] 소켓 정보를 추가할 수 없습니다!\n');
				close(client_sock);
			}
			else {
				//접속한 클라이언트 정보 출력
				const ptr: SOCKETINFO = SocketInfoArray[nTotalSockets++] = { sock: client_sock, addr: null, port: 0 };
				ptr.addr = inet_ntop(AF_INET, clientAddr.sin_addr, INET_ADDRSTRLEN);
				ptr.port = ntohs(clientAddr.sin_port);
				printf('\n[TCP 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n', ptr.addr, ptr.port);
			}
			if (--retval <= 0) continue;
		}

		//소켓 셋 검사(2): 데이터 통신
		for (let i = 0; i < nTotalSockets; i++) {
			const ptr = SocketInfoArray[i];
			if (!FD_ISSET(ptr.sock, rset)) continue;

			//데이터 받기
			retval = recvSync(ptr.sock, buf, BUFSIZE - 1, 0);
			if (retval === SOCKET_ERROR || retval === 0) {
				if (retval === SOCKET_ERROR) err_display('recv()');
				printf('[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n', ptr.addr, ptr.port);
				close(ptr.sock);
				//배열의 마지막 소켓 정보를 이 자리로 옮긴다
				SocketInfoArray[i] = SocketInfoArray[--nTotalSockets];
				i--;
				continue;
			}

			//받은 데이터 출력
			buf[retval] = 0; //'\0'
			printf('[TCP/%s:%d] %s\n', ptr.addr, ptr.port, buf);

			//데이터 보내기
			retval = sendSync(ptr.sock, buf, retval, 0);
			if (retval === SOCKET_ERROR) err_display('send()');
		}
	}

	close(listen_sock);
	return 0;
}

// C's argc/argv: argv[0] is the program.
await main(process.argv.length - 1, process.argv.slice(1));
