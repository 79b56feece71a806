// What nginx does for a bench in production, for the browser tests: one port for the desk, /socket.io/
// to Frappe's realtime server (so forms get realtime events and the desk logs no failed socket.io
// requests), everything else to gunicorn. Frappe's realtime server checks a socket by calling the
// desk back at the socket's Origin: it gets 127.0.0.1 here, as Node cannot resolve the site's name.
//   PORT=8021 SITE=browser_site GUNICORN_PORT=9021 SOCKETIO_PORT=9000 node proxy.mjs
import http from "node:http";
import net from "node:net";

const { PORT, SITE, GUNICORN_PORT, SOCKETIO_PORT } = process.env;
const is_realtime = (url) => url.startsWith("/socket.io/");

function upstream(req) {
	const headers = { ...req.headers, "x-frappe-site-name": SITE };
	if (!is_realtime(req.url)) return { port: GUNICORN_PORT, headers };
	headers.host = `127.0.0.1:${PORT}`;
	if (headers.origin) headers.origin = `http://127.0.0.1:${PORT}`;
	return { port: SOCKETIO_PORT, headers };
}

const server = http.createServer((req, res) => {
	const { port, headers } = upstream(req);
	const forward = http.request(
		{ host: "127.0.0.1", port, method: req.method, path: req.url, headers },
		(response) => {
			res.writeHead(response.statusCode, response.headers);
			response.pipe(res);
		}
	);
	forward.on("error", (error) => {
		res.writeHead(502, { "content-type": "text/plain" });
		res.end(`proxy: ${error.message}`);
	});
	req.pipe(forward);
});

server.on("upgrade", (req, socket, head) => {
	const { port, headers } = upstream(req);
	const target = net.connect(port, "127.0.0.1", () => {
		const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
		for (const [name, value] of Object.entries(headers)) {
			for (const item of [].concat(value)) lines.push(`${name}: ${item}`);
		}
		target.write(lines.join("\r\n") + "\r\n\r\n");
		if (head?.length) target.write(head);
		target.pipe(socket);
		socket.pipe(target);
	});
	const close = () => {
		target.destroy();
		socket.destroy();
	};
	target.on("error", close);
	socket.on("error", close);
});

server.listen(Number(PORT), "127.0.0.1", () => console.log(`proxy on 127.0.0.1:${PORT}`));
