using System.Text.Json.Nodes;

namespace Mesh.AppHost.LocalApi.Http.Tables;

/// <summary>One column of a server-side printed table; priority 0 is always shown, 1 only with <c>-o wide</c>.</summary>
internal sealed record TableColumn(string Name, string Type, int Priority, string Description, Func<JsonObject, JsonNode?> Cell)
{
    public JsonObject Definition() => new()
    {
        ["name"] = Name,
        ["type"] = Type,
        ["format"] = Name == "Name" ? "name" : "",
        ["description"] = Description,
        ["priority"] = Priority,
    };
}
