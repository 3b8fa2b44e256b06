using BenchmarkDotNet.Attributes;
using Mesh.Gateway.Forwarding.Http1;
using Mesh.Gateway.Front.Http2;

namespace Mesh.Bench.Matching;

/// <summary>
/// The cost of turning header strings into wire bytes, as the gateway does twice for every proxied request:
/// the request head it sends upstream (what h2load's request becomes), and the HPACK block of nginx's answer.
/// </summary>
[MemoryDiagnoser]
public class HeadWritingBenchmarks
{
    private static readonly (string Name, string Value)[] RequestFields =
    [
        ("Host", "origin.bench"),
        ("user-agent", "h2load nghttp2/1.64.0"),
        ("accept", "*/*"),
        ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        ("X-Forwarded-For", "127.0.0.1"),
        ("X-Forwarded-Proto", "http"),
    ];

    private static readonly (string Name, string Value)[] ResponseFields =
    [
        ("Server", "nginx/1.22.1"),
        ("Date", "Mon, 07 Dec 2026 05:21:01 GMT"),
        ("Content-Type", "text/plain"),
        ("Content-Length", "22"),
        ("X-Upstream-Pod", "origin-7c9f-2"),
    ];

    private readonly RequestHeadBuffer _head = new();
    private readonly byte[] _block = new byte[1024];

    [Benchmark]
    public int RequestHead()
    {
        _head.Reset();
        _head.RequestLine("GET", "/api/v1/items?page=2&size=50");
        foreach (var (name, value) in RequestFields)
        {
            _head.Field(name, value);
        }
        _head.End();
        return _head.Written.Length;
    }

    [Benchmark]
    public int HpackResponseFields()
    {
        var written = 0;
        foreach (var (name, value) in ResponseFields)
        {
            HpackEncoder.TryWriteField(name, value, _block.AsSpan(written), out var length);
            written += length;
        }
        return written;
    }
}
