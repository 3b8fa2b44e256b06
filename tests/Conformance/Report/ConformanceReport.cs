using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mesh.Conformance.Tests.Report;

/// <summary>The Gateway API ConformanceReport (gateway.networking.k8s.io/v1), the parts a mesh report uses.</summary>
public sealed record ConformanceReport
{
    public string ApiVersion { get; init; } = "gateway.networking.k8s.io/v1";
    public string Kind { get; init; } = "ConformanceReport";
    public string Date { get; init; } = "";
    public string GatewayAPIVersion { get; init; } = "";
    public string GatewayAPIChannel { get; init; } = "";
    public string Mode { get; init; } = "default";
    public Implementation Implementation { get; init; } = new();
    public List<ProfileReport> Profiles { get; init; } = [];
    public List<string>? SucceededProvisionalTests { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = false,
    };

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, Json)!.AsObject();

    public static ConformanceReport FromJson(JsonNode node) =>
        node.Deserialize<ConformanceReport>(Json) ?? throw new InvalidDataException("empty report");

    public ProfileReport? Profile(string name) => Profiles.FirstOrDefault(p => p.Name == name);
}

public sealed record Implementation
{
    public string Organization { get; init; } = "";
    public string Project { get; init; } = "";
    public string Url { get; init; } = "";
    public string Version { get; init; } = "";
    public List<string> Contact { get; init; } = [];
}

public sealed record ProfileReport
{
    public string Name { get; init; } = "";
    public string? Summary { get; init; }
    public ProfileStatus Core { get; init; } = new();
    public ProfileStatus? Extended { get; init; }
}

public sealed record ProfileStatus
{
    /// <summary>success, partial or failure.</summary>
    public string Result { get; init; } = "";
    public Statistics Statistics { get; init; } = new();
    public List<string>? SkippedTests { get; init; }
    public List<string>? FailedTests { get; init; }

    /// <summary>Extended only.</summary>
    public List<string>? SupportedFeatures { get; init; }

    /// <summary>Extended only.</summary>
    public List<string>? UnsupportedFeatures { get; init; }
}

/// <summary>Capitalised keys, as the upstream report writes them.</summary>
public sealed record Statistics
{
    [JsonPropertyName("Passed")]
    public int Passed { get; init; }

    [JsonPropertyName("Failed")]
    public int Failed { get; init; }

    [JsonPropertyName("Skipped")]
    public int Skipped { get; init; }
}
