// Echo client (IPv6) - the notes' IPv6 echo client (c/echo_client6.cpp) in TypeScript, line for line.
// The IPv4 port (echo_client.ts) converted by the same rules as the C program: AF_INET -> AF_INET6,
// sockaddr_in -> sockaddr_in6, SERVERIP '127.0.0.1' -> '::1', inet_pton(AF_INET6, ...). Output text is unchanged.
// Same extension as the C program: optional server IP (argv[1]) and port (argv[2]).
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR, type SOCKET } from './common.js';
import { printf, fgets, stdin, strlen, atoi } from 'posix-sockets/libc';
import { socket, connect, send, recv, close, sockaddr_in6, sizeof, htons, inet_pton,
	AF_INET6, SOCK_STREAM, MSG_WAITALL } from 'posix-sockets';
const SERVERIP = '::1'; //IPv6: 127.0.0.1 -> ::1
const SERVERPORT = 9000;
const BUFSIZE = 512;


//확장: argv[1] = 서버 IP (선택, 기본값 SERVERIP), argv[2] = 포트 번호 (선택, 기본값 SERVERPORT)
async function main(argc: number, argv: string[]) {
	let retval: number;

	//소켓 생성
	const sock: SOCKET = socket(AF_INET6, SOCK_STREAM, 0); //IPv6: AF_INET -> AF_INET6
	if (sock === INVALID_SOCKET) err_quit('sock()');
	
	//connect()
	const serverAddr = new sockaddr_in6(); //IPv6: sockaddr_in -> sockaddr_in6
	serverAddr.bytes.fill(0, 0, sizeof(serverAddr)); //memset(&serverAddr, 0, sizeof(serverAddr))
	serverAddr.sin6_family = AF_INET6;
	//확장: argv[1]이 있으면 그 IP, argv[2]가 있으면 그 포트를 사용
	inet_pton(AF_INET6, argc > 1 ? argv[1] : SERVERIP, serverAddr.sin6_addr);
	serverAddr.sin6_port = htons(argc > 2 ? atoi(argv[2]) : SERVERPORT);
	retval = await connect(sock, serverAddr, sizeof(serverAddr));
	if (retval === INVALID_SOCKET) err_quit('connect()');

	const buf = Buffer.alloc(BUFSIZE + 1);
	let len: number;

	while (1) {
		printf('보낼 데이터\n');

		//엔터를 누르면서 줄바꿈까지 포함됨 예를 들어 a + enter => a + \n => buf의 크기를 구하면 2바이트 출력됨
		//fgets 특성상 마지막 문자열에 NULL을 추가함, 즉 buf[513](BUFSIZE + 1)에 반드시 NULL이 추가됨 (버퍼 사이즈를 513으로 지정했기 때문) 그렇기에 strlen을 이용하여 문자열의
		// 크기를 구할 때 최대가 512임, 만약 513바이트를 보낸다고하면 NULL 값자리인 마지막을 제외한 512만 읽어드림
		//그리고 다시 1바이트를 보냄
		if (fgets(buf, BUFSIZE + 1, stdin) === null) break;
		
		//a를 입력하면 \n까지 합쳐서 len의 값이 2가 됨, 
		len = strlen(buf);
		printf('%d\n', strlen(buf));
		
		//버퍼의 크기가 512 미만인경우, \n 문자가 추가되어 해당 문자를 NULL로 교체, 
		// 512 이상인 경우 \n 문자가 삽입되지 않아 NULL 값 넣음 (예를 들어 513바이트를 입력하고 엔터를 쳤다고 가정한다. 그럼 \n(엔터)까지 514바이트를 필요로한다.
		//하지만 fgets로 513까지만 저장하기에 마지막 \n은 포함되지 않아 삭제하지 않아도된다. (이미 fgets를 통해 \0이 추가되었겠지만 안정성을 위해 다시 추가)
		if (strlen(buf) === BUFSIZE) {
			buf[len] = 0; //'\0'
		}
		else {
			buf[len - 1] = 0; //'\0'
		}
		printf('테스트%d\n', strlen(buf));
		retval = await send(sock, buf, strlen(buf), 0);
	
		
		
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
