using Mesh.Conformance.Tests.Harness;

namespace Mesh.Conformance.Tests.HarnessChecks;

/// <summary>The hand-made gRPC framing the clients use.</summary>
[Trait("Conformance", "harness")]
public sealed class GrpcFrameTests
{
    [Fact]
    public void A_framed_message_reads_back_its_field_one()
    {
        var text = new string('x', 300); // a two-byte varint length
        var frame = GrpcFrames.Frame(text);
        Assert.Equal(0, frame[0]);
        Assert.Equal(frame.Length - 5, (frame[1] << 24) | (frame[2] << 16) | (frame[3] << 8) | frame[4]);
        Assert.Equal(text, GrpcFrames.FirstStringFieldOne(frame));
        Assert.Null(GrpcFrames.FirstStringFieldOne([0, 0, 0, 0, 0]));
    }
}
