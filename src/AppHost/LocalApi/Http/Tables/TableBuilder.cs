using System.Globalization;
using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Store;
using Microsoft.AspNetCore.Http;

namespace Mesh.AppHost.LocalApi.Http.Tables;

/// <summary>
/// Server-side printing: <c>kubectl get</c> asks for <c>application/json;as=Table;v=v1;g=meta.k8s.io</c>
/// and prints the columns it gets back, taking each row's namespace from the row's object.
/// </summary>
internal static class TableBuilder
{
    public const string ContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

    public static bool IsRequested(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("as=Table", StringComparison.Ordinal));

    /// <param name="includeObject">The request's <c>includeObject</c>: None, Object, or (default) Metadata.</param>
    /// <param name="withColumns">Whether to describe the columns (a watch describes them once, in its first event).</param>
    public static JsonObject Build(ResourceKind kind, IEnumerable<StoredObject> objects, long? revision, string? includeObject, bool withColumns = true)
    {
        var columns = TableLayouts.For(kind);
        var rows = new JsonArray();
        foreach (var stored in objects)
        {
            var obj = stored.ToJsonObject();
            var row = new JsonObject { ["cells"] = new JsonArray([.. columns.Select(c => Cell(c, obj))]) };
            switch (includeObject)
            {
                case "None":
                    break;
                case "Object":
                    row["object"] = obj;
                    break;
                default:
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = obj["metadata"]?.DeepClone(),
                    };
                    break;
            }
            rows.Add(row);
        }
        var metadata = new JsonObject();
        if (revision is { } rv)
        {
            metadata["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        }
        var table = new JsonObject { ["kind"] = "Table", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = metadata };
        if (withColumns)
        {
            table["columnDefinitions"] = new JsonArray([.. columns.Select(c => c.Definition())]);
        }
        table["rows"] = rows;
        return table;
    }

    // A field of an unexpected shape leaves its cell empty rather than failing the whole listing.
    private static JsonNode? Cell(TableColumn column, JsonObject obj)
    {
        try
        {
            return column.Cell(obj);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
