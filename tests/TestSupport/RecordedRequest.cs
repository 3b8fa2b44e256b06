namespace Mesh.TestSupport;

/// <summary>One request a <see cref="RecordingBackend"/> received.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, string Protocol, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
