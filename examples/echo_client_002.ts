////////////////////////////////////////////////////////////////////////////////////////////////////////////
// Echo client, note 002's version - the notes' earlier client (c/echo_client_002.cpp) in TypeScript, line for line.
// Same variable names, same calls in the same order, same output bytes and exit codes; the notes'
// comments are kept so that the two files read side by side. Blocking calls are awaited.
// Its quirks are kept: sizeof(buf) == BUFSIZE is never true, and strlen(buf) + 1 bytes are sent (the NUL too).
// Same extension as the C program: optional server IP (argv[1]) and port (argv[2]).
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR, type SOCKET } from './common.js';
import { printf, fgets, stdin, strlen, atoi } from 'posix-sockets/libc';
import { socket, connect, send, recv, close, sockaddr_in, sizeof, htons, inet_pton,
	AF_INET, SOCK_STREAM, MSG_WAITALL } from 'posix-sockets';
const SERVERIP = '127.0.0.1';
const SERVERPORT = 9000;
const BUFSIZE = 512;


//확장: argv[1] = 서버 IP (선택, 기본값 SERVERIP), argv[2] = 포트 번호 (선택, 기본값 SERVERPORT)
async function main(argc: number, argv: string[]) {
	let retval: number;

	//소켓 생성
	const sock: SOCKET = socket(AF_INET, SOCK_STREAM, 0);
	if (sock === INVALID_SOCKET) err_quit('sock()');
	
	//connect()
	const serverAddr = new sockaddr_in();
	serverAddr.bytes.fill(0, 0, sizeof(serverAddr)); //memset(&serverAddr, 0, sizeof(serverAddr))
	serverAddr.sin_family = AF_INET;
	//확장: argv[1]이 있으면 그 IP, argv[2]가 있으면 그 포트를 사용
	inet_pton(AF_INET, argc > 1 ? argv[1] : SERVERIP, serverAddr.sin_addr);
	serverAddr.sin_port = htons(argc > 2 ? atoi(argv[2]) : SERVERPORT);
	retval = await connect(sock, serverAddr, sizeof(serverAddr));
	if (retval === INVALID_SOCKET) err_quit('connect()');

	const buf = Buffer.alloc(BUFSIZE + 1);
	let len: number;

	while (1) {
		printf('보낼 데이터\n');

		//엔터를 누르면서 줄바꿈까지 포함됨 예를 들어 a + enter => a + \n => buf의 크기를 구하면 2바이트 출력됨
		//fgets 특성상 마지막 문자열에 NULL을 추가함, 즉 buf[513](BUFSIZE + 1)에 반드시 NULL이 추가됨 (버퍼 사이즈를 513으로 지정했기 때문) 그렇기에 strlen을 이용하여 문자열의
		// 크기를 구할 때 최대가 512임 
		if (fgets(buf, BUFSIZE + 1, stdin) === null) break;
		
		//a를 입력하면 \n까지 합쳐서 len의 값이 2가 됨, 
		len = strlen(buf);
		printf('%d\n', strlen(buf));
		
		//버퍼의 크기가 512 미만인경우, \n 문자가 추가되어 해당 문자를 NULL로 교체, 
		// 512 이상인 경우 \n 문자가 삽입되지 않아 NULL 값 넣음
		if (sizeof(buf) === BUFSIZE) {
			buf[len] = 0; //'\0'
		}
		else {
			buf[len - 1] = 0; //'\0'
		}
		
		retval = await send(sock, buf, strlen(buf) + 1, 0);
		if (retval === SOCKET_ERROR) {
			err_display('send');
			break;
		}

		printf('총 %d바이트를 보냈습니다.\n', retval);

		retval = await recv(sock, buf, retval, MSG_WAITALL);
		printf('방금 %d바이트를 받았습니다..\n', retval);


		buf[retval] = 0; //'\0'
		printf('%s\n', buf);

		
	}
	close(sock);

}

// C's argc/argv: argv[0] is the program.
await main(process.argv.length - 1, process.argv.slice(1));
