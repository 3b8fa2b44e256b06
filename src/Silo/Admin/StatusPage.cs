using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Mesh.Silo.Kubernetes;
using Mesh.Silo.Leadership;
using Mesh.Silo.Subscriptions;

namespace Mesh.Silo.Admin;

/// <summary>A plain HTML page for people: Services and their facet versions, routes with their conditions, proxies.</summary>
public static class StatusPage
{
    public static string Render(SubscriptionHub hub, ClusterInformers informers, LeaseElector elector)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(elector);
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Mesh silo</title><style>")
            .Append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}")
            .Append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.False{color:#b00}.True{color:#070}")
            .Append("</style></head><body>");
        html.Append("<h1>Mesh silo</h1><p>").Append(Encode(elector.Identity)).Append(elector.IsLeader ? " (writes route status)" : " (standby for status)").Append("</p>");

        html.Append("<h2>Services</h2><table><tr><th>Service</th><th>frontend</th><th>backend</th></tr>");
        foreach (var service in hub.Snapshots.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            html.Append("<tr><td>").Append(Encode(service.Key)).Append("</td><td>").Append(Encode(service.Frontend?.Version ?? "-"))
                .Append("</td><td>").Append(Encode(service.Backend?.Version ?? "-")).Append("</td></tr>");
        }
        html.Append("</table>");

        html.Append("<h2>Routes</h2><table><tr><th>kind</th><th>route</th><th>parent</th><th>conditions</th></tr>");
        foreach (var route in informers.HttpRoutes.Objects.Concat(informers.GrpcRoutes.Objects)
                     .OrderBy(r => $"{r["metadata"]?["namespace"]}/{r["metadata"]?["name"]}", StringComparer.Ordinal))
        {
            var name = $"{route["metadata"]?["namespace"]}/{route["metadata"]?["name"]}";
            var parents = (route["status"]?["parents"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            if (parents.Count == 0)
            {
                html.Append("<tr><td>").Append(Encode(route["kind"]?.ToString() ?? "")).Append("</td><td>").Append(Encode(name)).Append("</td><td colspan=2>no status</td></tr>");
            }
            foreach (var parent in parents)
            {
                html.Append("<tr><td>").Append(Encode(route["kind"]?.ToString() ?? "")).Append("</td><td>").Append(Encode(name))
                    .Append("</td><td>").Append(Encode($"{parent["parentRef"]?["namespace"]}/{parent["parentRef"]?["name"]}:{parent["parentRef"]?["port"]}"))
                    .Append("</td><td>");
                foreach (var condition in (parent["conditions"] as JsonArray)?.OfType<JsonObject>() ?? [])
                {
                    var status = condition["status"]?.ToString() ?? "";
                    html.Append("<span class=\"").Append(status == "True" ? "True" : "False").Append("\" title=\"")
                        .Append(Encode(condition["message"]?.ToString() ?? "")).Append("\">")
                        .Append(Encode($"{condition["type"]}={status} ({condition["reason"]})")).Append("</span> ");
                }
                html.Append("</td></tr>");
            }
        }
        html.Append("</table>");

        html.Append("<h2>Proxies</h2><table><tr><th>proxy</th><th>connected</th><th>mode</th><th>Services wanted</th><th>Services pending</th><th>synced</th><th>messages sent</th></tr>");
        foreach (var proxy in hub.Subscribers.OrderBy(p => p.Proxy, StringComparer.Ordinal))
        {
            html.Append("<tr><td>").Append(Encode(proxy.Proxy)).Append("</td><td>").Append(proxy.ConnectedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(proxy.Mode).Append("</td><td>").Append(proxy.ServicesWanted?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all")
                .Append("</td><td>").Append(proxy.PendingServices).Append("</td><td>").Append(proxy.Synced ? "yes" : "no")
                .Append("</td><td>").Append(proxy.MessagesSent).Append("</td></tr>");
        }
        html.Append("</table></body></html>");
        return html.ToString();
    }

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);
}
