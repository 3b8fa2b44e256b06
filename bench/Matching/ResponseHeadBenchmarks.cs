using System.Text;
using BenchmarkDotNet.Attributes;
using Mesh.Gateway.Forwarding.Http1;

namespace Mesh.Bench.Matching;

/// <summary>
/// The cost of reading one upstream HTTP/1.1 response head, as the gateway does for every proxied request:
/// nginx's answer to a small GET, read on a connection whose previous answer was the same.
/// </summary>
[MemoryDiagnoser]
public class ResponseHeadBenchmarks
{
    private readonly byte[] _nginx = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 07 Dec 2026 05:21:01 GMT\r\nContent-Type: text/plain\r\n" +
        "Content-Length: 22\r\nConnection: keep-alive\r\n\r\nhello from the origin\n");

    private readonly ResponseHead _head = new();

    [Benchmark]
    public int ParseNginxHead()
    {
        var searched = 0;
        return ResponseHeadParser.TryParse(_nginx, _head, ref searched);
    }
}
