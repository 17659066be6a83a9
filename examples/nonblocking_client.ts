// Client with a non-blocking connect(2) - c/nonblocking_client.cpp in TypeScript, line for line.
// connect() on the O_NONBLOCK socket returns at once (-1, EINPROGRESS) as in C, so its sync twin
// is the port; the wait for writability is `await select()` (on a pool thread, the event loop
// free); getsockopt(SO_ERROR) then says how the handshake ended.
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR, type SOCKET } from './common.js';
import { printf, atoi, exit } from 'posix-sockets/libc';
import { socket, connectSync, sendSync, recvSync, close, fcntl, getsockopt, select, fd_set, FD_ZERO, FD_SET,
	timeval, c_int, sockaddr_in, socklen_t, sizeof, htons, inet_pton, errno,
	AF_INET, SOCK_STREAM, F_GETFL, F_SETFL, O_NONBLOCK, EINPROGRESS, SOL_SOCKET, SO_ERROR, MSG_WAITALL } from 'posix-sockets';

const SERVERIP = '127.0.0.1';
const SERVERPORT = 9000;
const BUFSIZE = 512;

async function main(argc: number, argv: string[]) {
	let retval: number;

	//소켓 생성
	const sock: SOCKET = socket(AF_INET, SOCK_STREAM, 0);
	if (sock === INVALID_SOCKET) err_quit('socket()');

	//넌블로킹 소켓으로 전환
	const flags = fcntl(sock, F_GETFL, 0);
	retval = fcntl(sock, F_SETFL, flags | O_NONBLOCK);
	if (retval === SOCKET_ERROR) err_quit('fcntl()');

	//connect()
	const serverAddr = new sockaddr_in(); //memset(&serverAddr, 0, sizeof(serverAddr))
	serverAddr.sin_family = AF_INET;
	inet_pton(AF_INET, argc > 1 ? argv[1] : SERVERIP, serverAddr.sin_addr);
	serverAddr.sin_port = htons(argc > 2 ? atoi(argv[2]) : SERVERPORT);
	retval = connectSync(sock, serverAddr, sizeof(serverAddr));
	if (retval === SOCKET_ERROR && errno !== EINPROGRESS) err_quit('connect()');

	if (retval === SOCKET_ERROR) {
		printf('[TCP 클라이언트] 연결 중...\n');

		//쓰기 가능해질 때까지 (최대 5초) 기다린다
		const wset = new fd_set();
		FD_ZERO(wset);
		FD_SET(sock, wset);
		const tv = new timeval();
		tv.tv_sec = 5;
		tv.tv_usec = 0;
		retval = await select(sock + 1, null, wset, null, tv);
		if (retval === SOCKET_ERROR) err_quit('select()');
		if (retval === 0) {
			printf('[TCP 클라이언트] 시간 초과\n');
			exit(1);
		}

		//연결 결과 확인
		const err = new c_int(0);
		const optlen = socklen_t(sizeof(err));
		retval = getsockopt(sock, SOL_SOCKET, SO_ERROR, err, optlen);
		if (retval === SOCKET_ERROR) err_quit('getsockopt()');
		if (err.value !== 0) {
			err_display(err.value);
			exit(1);
		}
	}
	printf('[TCP 클라이언트] 서버 접속 성공\n');

	//블로킹 소켓으로 되돌린다
	retval = fcntl(sock, F_SETFL, flags);
	if (retval === SOCKET_ERROR) err_quit('fcntl()');

	//데이터 보내기
	const buf = Buffer.alloc(BUFSIZE + 1);
	const msg = 'hello, non-blocking connect';
	const len = Buffer.byteLength(msg); //strlen(msg)
	buf.write(msg); //memcpy(buf, msg, len)
	retval = sendSync(sock, buf, len, 0);
	if (retval === SOCKET_ERROR) err_quit('send()');
	printf('[TCP 클라이언트] %d바이트를 보냈습니다.\n', retval);

	//데이터 받기
	retval = recvSync(sock, buf, retval, MSG_WAITALL);
	if (retval === SOCKET_ERROR) err_quit('recv()');
	buf[retval] = 0; //'\0'
	printf('[TCP 클라이언트] %d바이트를 받았습니다: %s\n', retval, buf);

	close(sock);
	return 0;
}

// C's argc/argv: argv[0] is the program.
await main(process.argv.length - 1, process.argv.slice(1));
