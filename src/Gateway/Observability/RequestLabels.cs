namespace Mesh.Gateway.Observability;

/// <summary>What routing decided about one request, filled in as it goes, for its metrics line.</summary>
public sealed class RequestLabels
{
    public string Service { get; set; } = "";
    public string Route { get; set; } = "";
    public string Backend { get; set; } = "";
}
