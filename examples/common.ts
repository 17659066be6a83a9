////////////////////////////////////////////////////////////////////////////////////////////////////////////
//공통 코드
// The notes' common code (c/common.h) in TypeScript. The C library functions
// the programs call (printf, fgets, atoi, ...) come from 'posix-sockets/libc',
// as C's come from <stdio.h> and <stdlib.h>.
import { errno, strerror } from 'posix-sockets';
import { printf, exit } from 'posix-sockets/libc';

// Windows 소켓 코드와 호환성을 위한 정의
export type SOCKET = number;
export { SOCKET_ERROR, INVALID_SOCKET } from 'posix-sockets';

// 소켓 함수 오류 출력 후 종료
export function err_quit(msg: string): never {
	const msgbuf = strerror(errno);
	printf('[%s] %s\n', msg, msgbuf);
	exit(1);
}

// 소켓 함수 오류 출력
export function err_display(msg: string): void;
// 소켓 함수 오류 출력
export function err_display(errcode: number): void;
export function err_display(arg: string | number): void {
	if (typeof arg === 'string') {
		const msgbuf = strerror(errno);
		printf('[%s] %s\n', arg, msgbuf);
	} else {
		const msgbuf = strerror(arg);
		printf('[오류] %s\n', msgbuf);
	}
}
