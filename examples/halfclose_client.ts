////////////////////////////////////////////////////////////////////////////////////////////////////////////
// Half-closing client (IPv4) - c/halfclose_client.cpp in TypeScript, line for line.
// Same variable names, same calls in the same order, same output bytes and exit codes; the
// comments are kept so that the two files read side by side. Blocking calls are awaited.
// Same extension as the C program: optional server IP (argv[1]) and port (argv[2]).
import { err_quit, INVALID_SOCKET, SOCKET_ERROR, type SOCKET } from './common.js';
import { printf, fgets, stdin, strlen, atoi } from 'posix-sockets/libc';
import { socket, connect, send, shutdown, recv, close, sockaddr_in, sizeof, htons, inet_pton,
	AF_INET, SOCK_STREAM, SHUT_WR } from 'posix-sockets';

const SERVERIP = '127.0.0.1';
const SERVERPORT = 9000;
const BUFSIZE = 4096;


//확장: argv[1] = 서버 IP (선택, 기본값 SERVERIP), argv[2] = 포트 번호 (선택, 기본값 SERVERPORT)
async function main(argc: number, argv: string[])
{
	let retval: number;

	//소켓 생성
	const sock: SOCKET = socket(AF_INET, SOCK_STREAM, 0);
	if (sock === INVALID_SOCKET) err_quit('socket()');

	//connect()
	const serverAddr = new sockaddr_in();
	serverAddr.bytes.fill(0, 0, sizeof(serverAddr)); //memset(&serverAddr, 0, sizeof(serverAddr))
	serverAddr.sin_family = AF_INET;
	inet_pton(AF_INET, argc > 1 ? argv[1] : SERVERIP, serverAddr.sin_addr);
	serverAddr.sin_port = htons(argc > 2 ? atoi(argv[2]) : SERVERPORT);
	retval = await connect(sock, serverAddr, sizeof(serverAddr));
	if (retval === SOCKET_ERROR) err_quit('connect()');

	//데이터 통신에 사용할 변수
	const buf = Buffer.alloc(BUFSIZE + 1);
	let len = 0;

	//보낼 데이터를 모두 읽는다 (한 줄씩, 줄바꿈 포함)
	while (len < BUFSIZE && fgets(buf.subarray(len), BUFSIZE + 1 - len, stdin) !== null) { //buf + len
		len += strlen(buf.subarray(len));
	}

	//한 번에 보낸다
	retval = await send(sock, buf, len, 0);
	if (retval === SOCKET_ERROR) err_quit('send()');
	printf('[TCP 클라이언트] %d바이트를 보냈습니다.\n', retval);

	//송신 종료 (half-close): 서버의 recv()는 0을 돌려받고, 이쪽은 계속 받을 수 있다
	retval = shutdown(sock, SHUT_WR);
	if (retval === SOCKET_ERROR) err_quit('shutdown()');

	//서버가 연결을 닫을 때까지 (recv()가 0을 돌려줄 때까지) 받는다
	len = 0;
	while (1) {
		retval = await recv(sock, buf, BUFSIZE, 0);
		if (retval === SOCKET_ERROR) err_quit('recv()');
		else if (retval === 0) break;

		buf[retval] = 0; //'\0'
		printf('%s', buf);
		len += retval;
	}
	printf('[TCP 클라이언트] %d바이트를 받았습니다.\n', len);

	//소켓 닫기
	close(sock);
	return 0;
}

// C's argc/argv: argv[0] is the program.
await main(process.argv.length - 1, process.argv.slice(1));
