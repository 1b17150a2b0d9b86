declare module 'async-exit-hook' {
	function exitHook(hook: (done: () => void) => void): void;
	export default exitHook;
}
