// Echo server on epoll(7) (Linux) - c/epoll_server.cpp in TypeScript, line for line. The one wait
// is `await epoll_wait()` (on a pool thread, the event loop free); accept() and recv() after it
// cannot block, as in C, so their sync twins are the port.
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR, type SOCKET } from './common.js';
import { printf, atoi } from 'posix-sockets/libc';
import { socket, bind, listen, acceptSync, recvSync, sendSync, close, epoll_create1, epoll_ctl, epoll_wait,
	epoll_event, array, sockaddr_in, socklen_t, sizeof, htons, htonl, ntohs, inet_ntop,
	EPOLLIN, EPOLL_CTL_ADD, EPOLL_CTL_DEL, AF_INET, SOCK_STREAM, SOMAXCONN, INADDR_ANY, INET_ADDRSTRLEN } from 'posix-sockets';

const SERVERPORT = 9000;
const BUFSIZE = 512;
const MAXEVENTS = 64;

// 클라이언트 정보 (epoll_event.data.u32 = 이 배열의 자리, 0 = 대기 소켓)
interface SOCKETINFO {
	sock: SOCKET;
	addr: string | null;
	port: number;
}
const SocketInfoArray: SOCKETINFO[] = Array.from({ length: MAXEVENTS }, () => ({ sock: 0, addr: null, port: 0 }));

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

	//epoll 인스턴스 생성, 대기 소켓 등록
	const epfd = epoll_create1!(0);
	if (epfd === -1) err_quit('epoll_create1()');
	const ev = new epoll_event(); //memset(&ev, 0, sizeof(ev))
	ev.events = EPOLLIN!;
	ev.data.u32 = 0;
	retval = epoll_ctl!(epfd, EPOLL_CTL_ADD!, listen_sock, ev);
	if (retval === -1) err_quit('epoll_ctl()');
	for (let i = 1; i < MAXEVENTS; i++) SocketInfoArray[i].sock = INVALID_SOCKET;

	//데이터 통신에 사용할 변수
	const events = array(epoll_event, MAXEVENTS);
	let client_sock: SOCKET;
	const clientAddr = new sockaddr_in();
	const addrlen = socklen_t();
	const buf = Buffer.alloc(BUFSIZE);

	while (1) {
		//epoll_wait()
		const nready = await epoll_wait!(epfd, events, MAXEVENTS, -1);
		if (nready === -1) err_quit('epoll_wait()');

		for (let n = 0; n < nready; n++) {
			const i = events[n].data.u32;

			//클라이언트 접속 수용
			if (i === 0) {
				addrlen.value = sizeof(clientAddr);
				client_sock = acceptSync(listen_sock, clientAddr, addrlen);
				if (client_sock === INVALID_SOCKET) {
					err_display('accept()');
					continue;
				}
				let k = 1;
				while (k < MAXEVENTS && SocketInfoArray[k].sock !== INVALID_SOCKET) k++;
				if (k === MAXEVENTS) {
					printf('[오류] 소켓 정보를 추가할 수 없습니다!\n');
					close(client_sock);
					continue;
				}
				//접속한 클라이언트 정보 출력, 등록
				const ptr = SocketInfoArray[k];
				ptr.sock = client_sock;
				ptr.addr = inet_ntop(AF_INET, clientAddr.sin_addr, INET_ADDRSTRLEN);
				ptr.port = ntohs(clientAddr.sin_port);
				printf('\n[TCP 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n', ptr.addr, ptr.port);
				ev.events = EPOLLIN!;
				ev.data.u32 = k;
				retval = epoll_ctl!(epfd, EPOLL_CTL_ADD!, client_sock, ev);
				if (retval === -1) err_display('epoll_ctl()');
				continue;
			}

			//데이터 받기
			const ptr = SocketInfoArray[i];
			retval = recvSync(ptr.sock, buf, BUFSIZE - 1, 0);
			if (retval === SOCKET_ERROR || retval === 0) {
				if (retval === SOCKET_ERROR) err_display('recv()');
				printf('[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n', ptr.addr, ptr.port);
				epoll_ctl!(epfd, EPOLL_CTL_DEL!, ptr.sock, null);
				close(ptr.sock);
				ptr.sock = INVALID_SOCKET;
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

	close(epfd);
	close(listen_sock);
	return 0;
}

// C's argc/argv: argv[0] is the program.
await main(process.argv.length - 1, process.argv.slice(1));
