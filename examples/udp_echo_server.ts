////////////////////////////////////////////////////////////////////////////////////////////////////////////
// UDP echo server (IPv4) - c/udp_echo_server.cpp in TypeScript, line for line.
// Same variable names, same calls in the same order, same output bytes and exit codes; the
// comments are kept so that the two files read side by side. Blocking calls are awaited.
// Same extension as the C program: the optional port argument (argv[1], default SERVERPORT).
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR, type SOCKET } from './common.js';
import { printf, atoi } from 'posix-sockets/libc';
import { socket, bind, recvfrom, sendto, close, sockaddr_in, socklen_t, sizeof, htons, htonl, ntohs,
	inet_ntop, AF_INET, SOCK_DGRAM, INADDR_ANY, INET_ADDRSTRLEN } from 'posix-sockets';

const SERVERPORT = 9000;
const BUFSIZE = 512;


//확장: argv[1] = 포트 번호 (선택, 기본값 SERVERPORT)
async function main(argc: number, argv: string[]) {
	let retval: number;

	//소켓 생성 (SOCK_DGRAM: UDP)
	const sock: SOCKET = socket(AF_INET, SOCK_DGRAM, 0);
	if (sock === INVALID_SOCKET) err_quit('socket()');

	//bind()
	const serverAddr = new sockaddr_in();
	serverAddr.bytes.fill(0, 0, sizeof(serverAddr)); //memset(&serverAddr, 0, sizeof(serverAddr))
	serverAddr.sin_family = AF_INET;
	serverAddr.sin_port = htons(argc > 1 ? atoi(argv[1]) : SERVERPORT);
	serverAddr.sin_addr.s_addr = htonl(INADDR_ANY);
	retval = bind(sock, serverAddr, sizeof(serverAddr));
	if (retval === SOCKET_ERROR) err_quit('bind()');
	//UDP 서버에는 listen()도 accept()도 없다: 소켓 하나로 모든 클라이언트의 데이터그램을 받는다

	//데이터 통신에 사용할 변수
	const clientAddr = new sockaddr_in();
	const addrlen = socklen_t();
	const buf = Buffer.alloc(BUFSIZE + 1);

	while (1) {
		//데이터 받기: 데이터그램 하나를 받는다, BUFSIZE보다 긴 데이터그램은 잘리고 나머지는 버려진다
		addrlen.value = sizeof(clientAddr);
		retval = await recvfrom(sock, buf, BUFSIZE, 0, clientAddr, addrlen);
		if (retval === SOCKET_ERROR) {
			err_display('recvfrom()');
			break;
		}

		//받은 데이터 출력
		buf[retval] = 0; //'\0'
		let addr: string | null; //char addr[INET_ADDRSTRLEN]
		addr = inet_ntop(AF_INET, clientAddr.sin_addr, INET_ADDRSTRLEN);
		printf('[UDP/%s:%d] %d바이트: %s\n', addr, ntohs(clientAddr.sin_port), retval, buf);

		//데이터 보내기: 받은 만큼 보낸 쪽 주소로 돌려보낸다
		retval = await sendto(sock, buf, retval, 0, clientAddr, sizeof(clientAddr));
		if (retval === SOCKET_ERROR) {
			err_display('sendto()');
			break;
		}
	}

	close(sock);
	return 0;
}

// C's argc/argv: argv[0] is the program.
await main(process.argv.length - 1, process.argv.slice(1));
