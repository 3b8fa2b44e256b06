using System.Text.Json.Nodes;
using Mesh.Grains.State;

namespace Mesh.Grains.Tests.Fuzz;

/// <summary>
/// Valid routes, as the API server would hand them to the watch, that between them use every match, filter and
/// rule field the translation reads: path Exact/PathPrefix/RegularExpression, headers, query params, method, gRPC
/// service/method (exact and regex), header modifiers, redirect, rewrite, mirror (percent and fraction), CORS,
/// weighted backendRefs with filters, timeouts, retry, session persistence; producer and consumer routes.
/// Each names its Service parent PARENT and its backends in namespace "ns"; <see cref="Build"/> fills them in.
/// </summary>
internal static class SeedRoutes
{
    public const string ServiceNamespace = "ns";
    public const string ConsumerNamespace = "consumer";

    /// <summary>Backend Services every seed may name, with their ports.</summary>
    public static readonly (string Name, int[] Ports)[] Backends = [("backend-a", [80]), ("backend-b", [80, 8080]), ("mirror", [80])];

    public static readonly IReadOnlyList<(string Kind, string Namespace, string Spec)> All =
    [
        (RouteKinds.Http, ServiceNamespace, """
        {
          "parentRefs": [{ "group": "", "kind": "Service", "name": "PARENT" }],
          "rules": [{
            "name": "paths",
            "matches": [
              { "path": { "type": "Exact", "value": "/exact" } },
              { "path": { "type": "PathPrefix", "value": "/prefix" }, "method": "GET" },
              { "path": { "type": "RegularExpression", "value": "/re/[a-z]+" } }
            ],
            "backendRefs": [
              { "name": "backend-a", "port": 80, "weight": 3 },
              { "name": "backend-b", "port": 8080, "weight": 1, "filters": [
                { "type": "RequestHeaderModifier", "requestHeaderModifier": { "set": [{ "name": "x-backend", "value": "b" }] } }
              ] }
            ],
            "timeouts": { "request": "10s", "backendRequest": "5s" },
            "retry": { "codes": [500, 503], "attempts": 2, "backoff": "100ms" }
          }]
        }
        """),
        (RouteKinds.Http, ServiceNamespace, """
        {
          "parentRefs": [{ "group": "", "kind": "Service", "name": "PARENT", "port": 80 }],
          "rules": [{
            "matches": [{
              "path": { "type": "PathPrefix", "value": "/headers" },
              "headers": [
                { "type": "Exact", "name": "x-version", "value": "2" },
                { "type": "RegularExpression", "name": "x-user", "value": "^[a-z]+$" }
              ],
              "queryParams": [
                { "name": "debug", "value": "1" },
                { "type": "RegularExpression", "name": "page", "value": "[0-9]+" }
              ]
            }],
            "filters": [
              { "type": "RequestHeaderModifier", "requestHeaderModifier": {
                "set": [{ "name": "x-set", "value": "one" }], "add": [{ "name": "x-add", "value": "two" }], "remove": ["x-drop"] } },
              { "type": "ResponseHeaderModifier", "responseHeaderModifier": { "add": [{ "name": "x-served-by", "value": "mesh" }] } }
            ],
            "backendRefs": [{ "name": "backend-a", "port": 80 }],
            "sessionPersistence": { "sessionName": "session", "type": "Cookie" }
          }]
        }
        """),
        (RouteKinds.Http, ServiceNamespace, """
        {
          "parentRefs": [{ "group": "", "kind": "Service", "name": "PARENT", "sectionName": "http" }],
          "rules": [{
            "matches": [{ "path": { "type": "PathPrefix", "value": "/old" } }],
            "filters": [{ "type": "RequestRedirect", "requestRedirect": {
              "scheme": "https", "hostname": "example.com", "port": 443, "statusCode": 301,
              "path": { "type": "ReplacePrefixMatch", "replacePrefixMatch": "/new" } } }]
          }]
        }
        """),
        (RouteKinds.Http, ServiceNamespace, """
        {
          "parentRefs": [{ "group": "", "kind": "Service", "name": "PARENT" }],
          "rules": [{
            "matches": [{ "path": { "type": "PathPrefix", "value": "/api" } }],
            "filters": [
              { "type": "URLRewrite", "urlRewrite": { "hostname": "api.internal", "path": { "type": "ReplacePrefixMatch", "replacePrefixMatch": "/v2" } } },
              { "type": "RequestMirror", "requestMirror": { "backendRef": { "name": "mirror", "port": 80 }, "percent": 50 } }
            ],
            "backendRefs": [{ "name": "backend-b", "port": 80, "weight": 10 }, { "name": "backend-a", "port": 80, "weight": 0 }]
          }, {
            "matches": [{ "path": { "type": "Exact", "value": "/full" }, "method": "POST" }],
            "filters": [
              { "type": "URLRewrite", "urlRewrite": { "path": { "type": "ReplaceFullPath", "replaceFullPath": "/replaced" } } },
              { "type": "RequestMirror", "requestMirror": { "backendRef": { "name": "mirror", "port": 80 }, "fraction": { "numerator": 1, "denominator": 4 } } }
            ],
            "backendRefs": [{ "name": "backend-a", "port": 80 }]
          }]
        }
        """),
        (RouteKinds.Http, ServiceNamespace, """
        {
          "parentRefs": [{ "group": "", "kind": "Service", "name": "PARENT" }],
          "rules": [{
            "matches": [{ "path": { "type": "PathPrefix", "value": "/cors" } }],
            "filters": [{ "type": "CORS", "cors": {
              "allowOrigins": ["https://app.example.com"], "allowCredentials": true, "allowMethods": ["GET", "POST"],
              "allowHeaders": ["x-token"], "exposeHeaders": ["x-trace"], "maxAge": 600 } }],
            "backendRefs": [{ "name": "backend-a", "port": 80 }],
            "timeouts": { "request": "0s" }
          }]
        }
        """),
        (RouteKinds.Http, ConsumerNamespace, """
        {
          "parentRefs": [{ "group": "", "kind": "Service", "name": "PARENT", "namespace": "ns", "port": 80 }],
          "rules": [{
            "matches": [{ "path": { "type": "PathPrefix", "value": "/" }, "headers": [{ "name": "x-canary", "value": "yes" }] }],
            "backendRefs": [{ "name": "backend-b", "namespace": "ns", "port": 80, "weight": 1 }]
          }, {
            "backendRefs": [{ "name": "backend-a", "namespace": "ns", "port": 80 }]
          }]
        }
        """),
        (RouteKinds.Grpc, ServiceNamespace, """
        {
          "parentRefs": [{ "group": "", "kind": "Service", "name": "PARENT", "port": 9000 }],
          "rules": [{
            "matches": [
              { "method": { "service": "pkg.Greeter", "method": "Hello" }, "headers": [{ "name": "x-tenant", "value": "a" }] },
              { "method": { "type": "Exact", "service": "pkg.Other" } }
            ],
            "filters": [{ "type": "RequestHeaderModifier", "requestHeaderModifier": { "set": [{ "name": "x-grpc", "value": "1" }] } }],
            "backendRefs": [
              { "name": "backend-b", "port": 8080, "weight": 2, "filters": [
                { "type": "ResponseHeaderModifier", "responseHeaderModifier": { "remove": ["x-internal"] } }
              ] },
              { "name": "backend-a", "port": 80, "weight": 1 }
            ]
          }]
        }
        """),
        (RouteKinds.Grpc, ServiceNamespace, """
        {
          "parentRefs": [{ "group": "", "kind": "Service", "name": "PARENT" }],
          "rules": [{
            "matches": [
              { "method": { "type": "RegularExpression", "service": "pkg\\..*", "method": "Get[A-Z][a-z]+" } },
              { "method": { "method": "Ping" } }
            ],
            "filters": [{ "type": "RequestMirror", "requestMirror": { "backendRef": { "name": "mirror", "port": 80 } } }],
            "backendRefs": [{ "name": "backend-b", "port": 8080 }]
          }]
        }
        """),
        (RouteKinds.Grpc, ConsumerNamespace, """
        {
          "parentRefs": [{ "group": "", "kind": "Service", "name": "PARENT", "namespace": "ns" }],
          "rules": [{ "backendRefs": [{ "name": "backend-a", "namespace": "ns", "port": 80 }] }]
        }
        """),
    ];

    /// <summary>Seed <paramref name="index"/> as a whole object named <paramref name="name"/>, its parent Service <paramref name="parent"/>.</summary>
    public static JsonObject Build(int index, string name, string parent, int ageRank)
    {
        var (kind, ns, specText) = All[index];
        var spec = JsonNode.Parse(specText)!.AsObject();
        foreach (var parentRef in spec["parentRefs"]!.AsArray())
        {
            parentRef!["name"] = parent;
        }
        return new JsonObject
        {
            ["apiVersion"] = "gateway.networking.k8s.io/v1",
            ["kind"] = kind,
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["uid"] = $"uid-{ns}-{name}",
                ["resourceVersion"] = "1",
                ["generation"] = 1,
                ["creationTimestamp"] = $"2026-01-01T00:{ageRank % 60:00}:00Z",
            },
            ["spec"] = spec,
        };
    }
}
