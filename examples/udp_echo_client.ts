////////////////////////////////////////////////////////////////////////////////////////////////////////////
// UDP echo client (IPv4) - c/udp_echo_client.cpp in TypeScript, line for line.
// Same variable names, same calls in the same order, same output bytes and exit codes; the
// comments are kept so that the two files read side by side. Blocking calls are awaited.
// Same extension as the C program: optional server IP (argv[1]) and port (argv[2]).
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR, type SOCKET } from './common.js';
import { printf, fgets, stdin, strlen, atoi } from 'posix-sockets/libc';
import { socket, sendto, recvfrom, close, sockaddr_in, socklen_t, sizeof, htons, inet_pton,
	AF_INET, SOCK_DGRAM } from 'posix-sockets';

const SERVERIP = '127.0.0.1';
const SERVERPORT = 9000;
const BUFSIZE = 1024;


//확장: argv[1] = 서버 IP (선택, 기본값 SERVERIP), argv[2] = 포트 번호 (선택, 기본값 SERVERPORT)
async function main(argc: number, argv: string[]) {
	let retval: number;

	//소켓 생성 (SOCK_DGRAM: UDP)
	const sock: SOCKET = socket(AF_INET, SOCK_DGRAM, 0);
	if (sock === INVALID_SOCKET) err_quit('socket()');

	//서버 주소: UDP는 connect() 없이 sendto()마다 받는 쪽 주소를 준다
	const serverAddr = new sockaddr_in();
	serverAddr.bytes.fill(0, 0, sizeof(serverAddr)); //memset(&serverAddr, 0, sizeof(serverAddr))
	serverAddr.sin_family = AF_INET;
	inet_pton(AF_INET, argc > 1 ? argv[1] : SERVERIP, serverAddr.sin_addr);
	serverAddr.sin_port = htons(argc > 2 ? atoi(argv[2]) : SERVERPORT);

	//데이터 통신에 사용할 변수
	const peerAddr = new sockaddr_in();
	const addrlen = socklen_t();
	const buf = Buffer.alloc(BUFSIZE + 1);
	let len: number;

	while (1) {
		printf('\n[보낼 데이터] ');
		if (fgets(buf, BUFSIZE + 1, stdin) === null) break;

		//'\n' 문자 제거, 빈 줄이면 끝
		len = strlen(buf);
		if (buf[len - 1] === 0x0a) buf[len - 1] = 0; //'\n' -> '\0'
		if (strlen(buf) === 0) break;

		//데이터 보내기: 한 번의 sendto()가 데이터그램 하나
		retval = await sendto(sock, buf, strlen(buf), 0, serverAddr, sizeof(serverAddr));
		if (retval === SOCKET_ERROR) {
			err_display('sendto()');
			break;
		}
		printf('[UDP 클라이언트] %d바이트를 보냈습니다.\n', retval);

		//데이터 받기
		addrlen.value = sizeof(peerAddr);
		retval = await recvfrom(sock, buf, BUFSIZE, 0, peerAddr, addrlen);
		if (retval === SOCKET_ERROR) {
			err_display('recvfrom()');
			break;
		}

		//보낸 쪽 주소 확인: 서버가 아닌 곳에서 온 데이터그램은 버린다
		if (Buffer.compare(peerAddr.bytes, serverAddr.bytes) !== 0) { //memcmp(&peerAddr, &serverAddr, sizeof(peerAddr))
			printf('[오류] 잘못된 데이터입니다!\n');
			break;
		}

		//받은 데이터 출력
		buf[retval] = 0; //'\0'
		printf('[UDP 클라이언트] %d바이트를 받았습니다.\n', retval);
		printf('[받은 데이터] %s\n', buf);
	}

	close(sock);
	return 0;
}

// C's argc/argv: argv[0] is the program.
await main(process.argv.length - 1, process.argv.slice(1));
