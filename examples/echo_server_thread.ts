////////////////////////////////////////////////////////////////////////////////////////////////////////////
// Thread-per-client echo server (IPv4) - c/echo_server_thread.cpp in TypeScript, line for line.
// Same variable names, same calls in the same order, same output bytes and exit codes; the
// comments are kept so that the two files read side by side. Blocking calls are awaited.
// pthread_create -> worker_threads: this same file runs in each worker, which is handed the
// accepted descriptor (a number, valid in every thread of the process) as its workerData.
// Same extension as the C program: the optional port argument (argv[1], default SERVERPORT).
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR, type SOCKET } from './common.js';
import { printf, atoi } from 'posix-sockets/libc';
import { socket, bind, listen, accept, getpeername, recv, send, close, sockaddr_in, socklen_t, sizeof,
	htons, htonl, ntohs, inet_ntop, AF_INET, SOCK_STREAM, SOMAXCONN, INADDR_ANY, INET_ADDRSTRLEN } from 'posix-sockets';

const SERVERPORT = 9000;
const BUFSIZE = 512;


//클라이언트와 데이터 통신: 스레드 하나가 클라이언트 하나를 맡는다
async function ProcessClient(arg: unknown) {
	let retval: number;
	const clientSock = arg as SOCKET;
	const clientAddr = new sockaddr_in();
	let addr: string | null; //char addr[INET_ADDRSTRLEN]
	const addrlen = socklen_t();
	const buf = Buffer.alloc(BUFSIZE + 1);

	//클라이언트 정보 얻기
	addrlen.value = sizeof(clientAddr);
	getpeername(clientSock, clientAddr, addrlen);
	addr = inet_ntop(AF_INET, clientAddr.sin_addr, INET_ADDRSTRLEN);

	while (1) {
		//데이터 받기
		retval = await recv(clientSock, buf, BUFSIZE, 0);
		if (retval === SOCKET_ERROR) {
			err_display('recv()');
			break;
		}
		else if (retval === 0) break;

		//받은 데이터 출력
		buf[retval] = 0; //'\0'
		printf('[TCP/%s:%d] %s\n', addr, ntohs(clientAddr.sin_port), buf);

		//데이터 보내기
		retval = await send(clientSock, buf, retval, 0);
		if (retval === SOCKET_ERROR) {
			err_display('send()');
			break;
		}
	}

	//소켓 닫기
	close(clientSock);
	printf('[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n', addr, ntohs(clientAddr.sin_port));
	return 0;
}

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
	let tid: Worker; //pthread_t tid

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

		//스레드 생성: 받은 소켓 디스크립터를 스레드 함수의 인자로 넘긴다
		try {
			tid = new Worker(new URL(import.meta.url), { workerData: clientSock }); //pthread_create(&tid, NULL, ProcessClient, clientSock)
			retval = 0;
		} catch {
			retval = -1;
		}
		if (retval !== 0) {
			close(clientSock);
		}
		else {
			tid!.unref(); //pthread_detach(tid): 아무도 이 스레드를 기다리지 않는다
		}
	}

	//소켓 닫기
	close(listenSock);
	return 0;
}

// C's argc/argv: argv[0] is the program. A worker runs the thread function with its argument.
if (isMainThread) await main(process.argv.length - 1, process.argv.slice(1));
else await ProcessClient(workerData);
