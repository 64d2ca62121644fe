"""Serves a published web app folder the way nginx with brotli_static does, and logs the bytes sent.
Usage: python3 serve.py <wwwroot> <port> <log.json>   (run by measure.sh)"""
import http.server, os, sys, json, threading
root = sys.argv[1]; port = int(sys.argv[2]); log_path = sys.argv[3]; log = []
types = {'.js':'text/javascript','.wasm':'application/wasm','.css':'text/css','.html':'text/html','.svg':'image/svg+xml','.json':'application/json','.dat':'application/octet-stream'}
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self,*a): pass
    def do_GET(self):
        path = self.path.split('?')[0]
        if path.startswith('/api/'):
            self.send_response(404); self.send_header('Content-Length','0'); self.end_headers(); log.append((path,0,'404')); return
        f = os.path.join(root, path.lstrip('/'))
        if not os.path.isfile(f): f = os.path.join(root,'index.html')
        enc = None
        if 'br' in self.headers.get('Accept-Encoding','') and os.path.isfile(f+'.br'): data=open(f+'.br','rb').read(); enc='br'
        else: data=open(f,'rb').read()
        self.send_response(200)
        self.send_header('Content-Type', types.get(os.path.splitext(f)[1],'application/octet-stream'))
        if enc: self.send_header('Content-Encoding', enc)
        self.send_header('Content-Length', str(len(data))); self.end_headers(); self.wfile.write(data)
        log.append((path,len(data),enc or 'identity'))
        with open(log_path,'w') as o: json.dump(log,o)
    def do_POST(self):
        self.send_response(404); self.send_header('Content-Length','0'); self.end_headers(); log.append((self.path,0,'404'))
http.server.ThreadingHTTPServer(('127.0.0.1',port),H).serve_forever()
