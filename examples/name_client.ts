// Name resolution, then connect - the domain-name chapter's program (c/name_client.cpp) in
// TypeScript, line for line: GetIPAddr() (gethostbyname) and GetDomainName() (gethostbyaddr),
// then connect() to the address found, one line sent and its echo printed. Blocking calls are
// awaited. Same extension as the C program: host (argv[1], default TESTNAME), port (argv[2]).
import { err_quit, err_display, INVALID_SOCKET, SOCKET_ERROR } from './common.js';
import { printf, atoi } from 'posix-sockets/libc';
import { gethostbyname, gethostbyaddr, socket, connect, send, recv, close, in_addr, sockaddr_in, sizeof, htons,
	inet_ntop, AF_INET, SOCK_STREAM, MSG_WAITALL, INET_ADDRSTRLEN } from 'posix-sockets';

const TESTNAME = 'localhost';
const SERVERPORT = 9000;
const BUFSIZE = 512;

// 도메인 이름 -> IPv4 주소
async function GetIPAddr(name: string, addr: in_addr): Promise<boolean> {
	const ptr = await gethostbyname(name);
	if (ptr === null) {
		err_display('gethostbyname()');
		return false;
	}
	if (ptr.h_addrtype !== AF_INET)
		return false;
	addr.bytes.set(ptr.h_addr!.subarray(0, ptr.h_length)); //memcpy(addr, ptr->h_addr, ptr->h_length)
	return true;
}

// IPv4 주소 -> 도메인 이름
async function GetDomainName(addr: in_addr, name: { value: string }, namelen: number): Promise<boolean> {
	const ptr = await gethostbyaddr(addr, sizeof(addr), AF_INET);
	if (ptr === null) {
		err_display('gethostbyaddr()');
		return false;
	}
	if (ptr.h_addrtype !== AF_INET)
		return false;
	name.value = ptr.h_name.slice(0, namelen); //strncpy(name, ptr->h_name, namelen)
	return true;
}

async function main(argc: number, argv: string[]) {
	const host = argc > 1 ? argv[1] : TESTNAME;
	printf('도메인 이름(변환 전) = %s\n', host);

	// 도메인 이름 -> IP 주소
	const addr = new in_addr();
	if (!(await GetIPAddr(host, addr))) return 1;
	const str = inet_ntop(AF_INET, addr, INET_ADDRSTRLEN);
	printf('IP 주소(변환 후) = %s\n', str);

	// IP 주소 -> 도메인 이름
	const name = { value: '' }; //char name[256]
	if (await GetDomainName(addr, name, 256))
		printf('도메인 이름(다시 변환 후) = %s\n', name.value);

	// 찾은 주소로 연결
	const sock = socket(AF_INET, SOCK_STREAM, 0);
	if (sock === INVALID_SOCKET) err_quit('socket()');
	const serverAddr = new sockaddr_in(); //memset(&serverAddr, 0, sizeof(serverAddr))
	serverAddr.sin_family = AF_INET;
	serverAddr.sin_addr = addr;
	serverAddr.sin_port = htons(argc > 2 ? atoi(argv[2]) : SERVERPORT);
	let retval = await connect(sock, serverAddr, sizeof(serverAddr));
	if (retval === SOCKET_ERROR) err_quit('connect()');

	// 데이터 통신: 한 줄을 보내고, 보낸 만큼 돌려받는다
	const buf = Buffer.alloc(BUFSIZE + 1);
	const len = buf.write('hello, world'); //char buf[BUFSIZE + 1] = "hello, world"; strlen(buf)
	retval = await send(sock, buf, len, 0);
	if (retval === SOCKET_ERROR) err_quit('send()');
	printf('[TCP 클라이언트] %d바이트를 보냈습니다.\n', retval);
	retval = await recv(sock, buf, retval, MSG_WAITALL);
	if (retval === SOCKET_ERROR) err_quit('recv()');
	buf[retval] = 0; //'\0'
	printf('[TCP 클라이언트] %d바이트를 받았습니다.\n', retval);
	printf('[받은 데이터] %s\n', buf);

	close(sock);
	return 0;
}

// C's argc/argv: argv[0] is the program; main's return value is the exit status.
process.exitCode = await main(process.argv.length - 1, process.argv.slice(1));
