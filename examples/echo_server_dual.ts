////////////////////////////////////////////////////////////////////////////////////////////////////////////
// Dual-stack echo server - c/echo_server_dual.cpp in TypeScript, line for line.
// Same variable names, same calls in the same order, same output bytes and exit codes; the
// comments are kept so that the two files read side by side. Blocking calls are awaited.
// pthread_create -> worker_threads: this same file runs in each worker, which is handed its
// listening descriptor as its workerData; pthread_join -> waiting for the worker's 'exit'.
// Same extension as the C program: the optional port argument (argv[1], default SERVERPORT).
import { once } from 'node:events';
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR, type SOCKET } from './common.js';
import { printf, atoi } from 'posix-sockets/libc';
import { socket, setsockopt, bind, listen, accept, recv, send, close, sockaddr_in, sockaddr_in6, sockaddr_storage,
	socklen_t, c_int, sizeof, htons, htonl, ntohs, inet_ntop, in6addr_any, AF_INET, AF_INET6, SOCK_STREAM, SOMAXCONN,
	INADDR_ANY, INET6_ADDRSTRLEN, IPPROTO_IPV6, IPV6_V6ONLY } from 'posix-sockets';

const SERVERPORT = 9000;
const BUFSIZE = 512;


//리슨 소켓 하나를 맡아 접속한 클라이언트를 차례로 처리하는 스레드
async function ServeListener(arg: unknown)
{
	let retval: number;
	const listenSock = arg as SOCKET;
	let clientSock: SOCKET;
	const clientAddr = new sockaddr_storage(); //IPv4와 IPv6 주소를 모두 담을 수 있는 구조체
	const addrlen = socklen_t();
	let addr: string | null; //char addr[INET6_ADDRSTRLEN]
	let port: number;
	const buf = Buffer.alloc(BUFSIZE + 1);

	while (1) {
		//accept()
		addrlen.value = sizeof(clientAddr);
		clientSock = await accept(listenSock, clientAddr, addrlen);
		if (clientSock === INVALID_SOCKET) {
			err_display('accept()');
			break;
		}

		//접속한 클라이언트 정보 출력: 주소 체계에 따라 sockaddr_in 또는 sockaddr_in6로 본다
		if (clientAddr.ss_family === AF_INET) {
			const clientAddr4 = new sockaddr_in(clientAddr); //(struct sockaddr_in*)&clientAddr
			addr = inet_ntop(AF_INET, clientAddr4.sin_addr, INET6_ADDRSTRLEN);
			port = ntohs(clientAddr4.sin_port);
		}
		else {
			const clientAddr6 = new sockaddr_in6(clientAddr); //(struct sockaddr_in6*)&clientAddr
			addr = inet_ntop(AF_INET6, clientAddr6.sin6_addr, INET6_ADDRSTRLEN);
			port = ntohs(clientAddr6.sin6_port);
		}
		printf('\n[TCP/%s 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n', clientAddr.ss_family === AF_INET ? 'IPv4' : 'IPv6', addr, port);

		//클라이언트와 데이터 통신
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
			printf('[TCP/%s:%d] %s\n', addr, port, buf);

			//데이터 보내기
			retval = await send(clientSock, buf, retval, 0);
			if (retval === SOCKET_ERROR) {
				err_display('send()');
				break;
			}
		}

		//소켓 닫기
		close(clientSock);
		printf('[TCP 서버] 클라이언트 종료: IP 주소=%s, 포트 번호=%d\n', addr, port);
	}
	return 0;
}

//확장: argv[1] = 포트 번호 (선택, 기본값 SERVERPORT)
async function main(argc: number, argv: string[])
{
	let retval: number;
	const port = argc > 1 ? atoi(argv[1]) : SERVERPORT;

	//IPv4 리슨 소켓
	const listenSock4: SOCKET = socket(AF_INET, SOCK_STREAM, 0);
	if (listenSock4 === INVALID_SOCKET) err_quit('socket()');

	const serverAddr4 = new sockaddr_in();
	serverAddr4.bytes.fill(0, 0, sizeof(serverAddr4)); //memset(&serverAddr4, 0, sizeof(serverAddr4))
	serverAddr4.sin_family = AF_INET;
	serverAddr4.sin_port = htons(port);
	serverAddr4.sin_addr.s_addr = htonl(INADDR_ANY);
	retval = bind(listenSock4, serverAddr4, sizeof(serverAddr4));
	if (retval === SOCKET_ERROR) err_quit('bind()');

	retval = listen(listenSock4, SOMAXCONN);
	if (retval === SOCKET_ERROR) err_quit('listen()');

	//IPv6 리슨 소켓: IPv6 전용으로 만들어야 IPv4 소켓과 같은 포트를 쓸 수 있다
	const listenSock6: SOCKET = socket(AF_INET6, SOCK_STREAM, 0);
	if (listenSock6 === INVALID_SOCKET) err_quit('socket()');

	const on = new c_int(1);
	retval = setsockopt(listenSock6, IPPROTO_IPV6, IPV6_V6ONLY, on, sizeof(on));
	if (retval === SOCKET_ERROR) err_quit('setsockopt()');

	const serverAddr6 = new sockaddr_in6();
	serverAddr6.bytes.fill(0, 0, sizeof(serverAddr6)); //memset(&serverAddr6, 0, sizeof(serverAddr6))
	serverAddr6.sin6_family = AF_INET6;
	serverAddr6.sin6_port = htons(port);
	serverAddr6.sin6_addr = in6addr_any;
	retval = bind(listenSock6, serverAddr6, sizeof(serverAddr6));
	if (retval === SOCKET_ERROR) err_quit('bind()');

	retval = listen(listenSock6, SOMAXCONN);
	if (retval === SOCKET_ERROR) err_quit('listen()');

	//스레드 생성: 리슨 소켓마다 하나
	const tid4 = new Worker(new URL(import.meta.url), { workerData: listenSock4 }); //pthread_create(&tid4, NULL, ServeListener, listenSock4)
	const tid6 = new Worker(new URL(import.meta.url), { workerData: listenSock6 }); //pthread_create(&tid6, NULL, ServeListener, listenSock6)

	//두 스레드가 끝날 때까지 기다린다
	await once(tid4, 'exit'); //pthread_join(tid4, NULL)
	await once(tid6, 'exit'); //pthread_join(tid6, NULL)

	//소켓 닫기
	close(listenSock4);
	close(listenSock6);
	return 0;
}

// C's argc/argv: argv[0] is the program. A worker runs the thread function with its argument.
if (isMainThread) await main(process.argv.length - 1, process.argv.slice(1));
else await ServeListener(workerData);
