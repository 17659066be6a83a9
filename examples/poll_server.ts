// Echo server on poll(2) - c/poll_server.cpp in TypeScript, line for line. `struct pollfd
// fds[MAXFDS]` is array(pollfd, MAXFDS): one C buffer, a struct view per element. The one wait
// is `await poll()` (on a pool thread, the event loop free); accept() and recv() after it
// cannot block, as in C, so their sync twins are the port.
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR, type SOCKET } from './common.js';
import { printf, atoi } from 'posix-sockets/libc';
import { socket, bind, listen, acceptSync, recvSync, sendSync, close, poll, array, pollfd, sockaddr_in, socklen_t,
	sizeof, htons, htonl, ntohs, inet_ntop, POLLIN, POLLHUP, POLLERR,
	AF_INET, SOCK_STREAM, SOMAXCONN, INADDR_ANY, INET_ADDRSTRLEN } from 'posix-sockets';

const SERVERPORT = 9000;
const BUFSIZE = 512;
const MAXFDS = 64;

// 클라이언트 정보 (fds[i]와 같은 자리)
interface SOCKETINFO {
	addr: string | null;
	port: number;
}
const fds = array(pollfd, MAXFDS);
const SocketInfoArray: SOCKETINFO[] = Array.from({ length: MAXFDS }, () => ({ addr: null, port: 0 }));
let nfds = 0;

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
	let client_sock: SOCKET;
	const clientAddr = new sockaddr_in();
	const addrlen = socklen_t();
	const buf = Buffer.alloc(BUFSIZE);

	fds[0].fd = listen_sock;
	fds[0].events = POLLIN;
	nfds = 1;

	while (1) {
		//poll()
		retval = await poll(fds, nfds, -1);
		if (retval === SOCKET_ERROR) err_quit('poll()');

		//클라이언트 접속 수용
		if (fds[0].revents & POLLIN) {
			addrlen.value = sizeof(clientAddr);
			client_sock = acceptSync(listen_sock, clientAddr, addrlen);
			if (client_sock === INVALID_SOCKET) {
				err_display('accept()');
			}
			else if (nfds === MAXFDS) {
				printf('[오류] 소켓 정보를 추가할 수 없습니다!\n');
				close(client_sock);
			}
			else {
				//접속한 클라이언트 정보 출력
				fds[nfds].fd = client_sock;
				fds[nfds].events = POLLIN;
				fds[nfds].revents = 0;
				const ptr = SocketInfoArray[nfds];
				ptr.addr = inet_ntop(AF_INET, clientAddr.sin_addr, INET_ADDRSTRLEN);
				ptr.port = ntohs(clientAddr.sin_port);
				printf('\n[TCP 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n', ptr.addr, ptr.port);
				nfds++;
			}
		}

		//데이터 통신 (POLLIN, 또는 POLLHUP/POLLERR: recv()가 결과를 알려 준다)
		for (let i = 1; i < nfds; i++) {
			if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
			const ptr = SocketInfoArray[i];

			//데이터 받기
			retval = recvSync(fds[i].fd, buf, BUFSIZE - 1, 0);
			if (retval === SOCKET_ERROR || retval === 0) {
				if (retval === SOCKET_ERROR) err_display('recv()');
				printf('[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n', ptr.addr, ptr.port);
				close(fds[i].fd);
				//배열의 마지막 항목을 이 자리로 옮긴다
				nfds--;
				fds[i].bytes.set(fds[nfds].bytes); //fds[i] = fds[nfds]
				SocketInfoArray[i] = { ...SocketInfoArray[nfds] };
				i--;
				continue;
			}

			//받은 데이터 출력
			buf[retval] = 0; //'\0'
			printf('[TCP/%s:%d] %s\n', ptr.addr, ptr.port, buf);

			//데이터 보내기
			retval = sendSync(fds[i].fd, buf, retval, 0);
			if (retval === SOCKET_ERROR) err_display('send()');
		}
	}

	close(listen_sock);
	return 0;
}

// C's argc/argv: argv[0] is the program.
await main(process.argv.length - 1, process.argv.slice(1));
