using System.Net;
using System.Security.Cryptography;
using Mesh.EndToEnd.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mesh.EndToEnd.Tests;

/// <summary>Bodies stream through the gateway: a 1 GiB upload arrives whole while memory stays flat.</summary>
[Collection(HeavyTraffic.Name)]
public sealed class StreamingTests(DemoMesh mesh) : IClassFixture<DemoMesh>
{
    private const long UploadBytes = 1L << 30;

    [Fact]
    public async Task A_1_GiB_upload_passes_intact_with_flat_memory()
    {
        long receivedBytes = 0;
        byte[]? receivedHash = null;
        await using var backend = await LoopbackServer.StartAsync(app => app.Run(async context =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                receivedBytes += n;
            }
            receivedHash = hash.GetHashAndReset();
            await context.Response.WriteAsync("stored");
        }), kestrel: k => k.Limits.MaxRequestBodySize = null);
        await mesh.Api.ApplyNamespaceAsync("storage");
        await SelectorlessService.ApplyAsync(mesh.Api, "storage", "store", [("127.0.0.1", LoopbackServer.Address(backend).Port)]);
        // What is checked is integrity and flat memory, not speed: on a busy machine 1 GiB may take longer than 20 s.
        using var client = new PodClient(mesh.GatewayUri, await mesh.Api.DeploymentPodAsync("slow-clients", "slow-client"), TimeSpan.FromMinutes(3));
        await Eventually.HoldsAsync(async () => (await client.EchoAsync("http://store.storage/")).Status, s => s == 200, "the Service is routable");

        long peakHeap = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(20);
            }
        });
        var source = new PatternStream(UploadBytes);
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://store.storage/blob") { Content = new StreamContent(source, 64 * 1024) };
        request.Content.Headers.ContentLength = UploadBytes;
        using var response = await client.SendAsync(request);
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(UploadBytes, receivedBytes);
        Assert.Equal(source.Hash(), receivedHash);
        // Client, gateway and backend share this process; buffering the body anywhere would hold a gigabyte.
        Assert.True(peakHeap < 256L << 20, $"peak managed heap {peakHeap >> 20} MiB");
    }

    /// <summary>A deterministic stream of N bytes that never exists in memory whole, hashed as it is read.</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;
        private byte[]? _digest;

        /// <summary>The SHA-256 of everything read, once the end was reached.</summary>
        public byte[]? Hash() => _digest;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = (byte)((_position + i) * 31 % 251);
            }
            _hash.AppendData(buffer, offset, n);
            _position += n;
            if (_position == length)
            {
                _digest ??= _hash.GetHashAndReset();
            }
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
