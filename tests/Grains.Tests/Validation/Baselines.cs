namespace Mesh.Grains.Tests.Validation;

/// <summary>One valid object per kind, touching as many fields as possible so each test mutates one of them.</summary>
internal static class Baselines
{
    // rules[0]: matches, rule-level filters (header modifier, prefix rewrite, mirror), weighted backends with a
    //           backend filter, timeouts, retry, session persistence;
    // rules[1]: an Exact match redirected (no backendRefs);
    // rules[2]: no matches (the default), experimental filters, one backend.
    public const string HttpRoute = """
    {
      "apiVersion": "gateway.networking.k8s.io/v1",
      "kind": "HTTPRoute",
      "metadata": { "name": "echo-route", "namespace": "demo" },
      "spec": {
        "parentRefs": [ { "group": "", "kind": "Service", "name": "echo", "port": 80 } ],
        "hostnames": [ "echo.demo.svc.cluster.local" ],
        "rules": [
          {
            "name": "api",
            "matches": [
              {
                "path": { "type": "PathPrefix", "value": "/api" },
                "headers": [ { "name": "x-env", "value": "prod" } ],
                "queryParams": [ { "type": "Exact", "name": "v", "value": "2" } ],
                "method": "GET"
              }
            ],
            "filters": [
              { "type": "RequestHeaderModifier", "requestHeaderModifier": {
                  "set": [ { "name": "x-a", "value": "1" } ], "add": [ { "name": "x-b", "value": "2" } ], "remove": [ "x-c" ] } },
              { "type": "URLRewrite", "urlRewrite": { "hostname": "echo.demo", "path": { "type": "ReplacePrefixMatch", "replacePrefixMatch": "/v2" } } },
              { "type": "RequestMirror", "requestMirror": { "backendRef": { "name": "shadow", "port": 8080 }, "percent": 10 } }
            ],
            "backendRefs": [
              { "name": "echo-v1", "port": 8080, "weight": 90 },
              { "group": "", "kind": "Service", "name": "echo-v2", "namespace": "demo", "port": 8080, "weight": 10,
                "filters": [ { "type": "ResponseHeaderModifier", "responseHeaderModifier": { "add": [ { "name": "x-v", "value": "2" } ] } } ] }
            ],
            "timeouts": { "request": "10s", "backendRequest": "2s" },
            "retry": { "codes": [ 500, 503 ], "attempts": 2, "backoff": "100ms" },
            "sessionPersistence": { "sessionName": "s", "type": "Cookie", "absoluteTimeout": "1h", "idleTimeout": "10m",
              "cookieConfig": { "lifetimeType": "Permanent" } }
          },
          {
            "name": "legacy",
            "matches": [ { "path": { "type": "Exact", "value": "/old" } } ],
            "filters": [
              { "type": "RequestRedirect", "requestRedirect": { "scheme": "https", "hostname": "example.com", "port": 443,
                  "statusCode": 301, "path": { "type": "ReplaceFullPath", "replaceFullPath": "/new" } } }
            ]
          },
          {
            "filters": [
              { "type": "CORS", "cors": { "allowOrigins": [ "https://app.example.com", "http://localhost:8080" ],
                  "allowMethods": [ "GET", "POST" ], "allowHeaders": [ "x-a" ], "exposeHeaders": [ "x-b" ],
                  "allowCredentials": true, "maxAge": 60 } },
              { "type": "ExternalAuth", "externalAuth": { "protocol": "HTTP", "backendRef": { "name": "auth", "port": 9000 },
                  "http": { "path": "/check", "allowedHeaders": [ "authorization" ], "allowedResponseHeaders": [ "x-user" ] },
                  "forwardBody": { "maxSize": 1024 } } },
              { "type": "ExtensionRef", "extensionRef": { "group": "example.com", "kind": "Filter", "name": "f" } }
            ],
            "backendRefs": [ { "name": "echo", "port": 80 } ]
          }
        ]
      }
    }
    """;

    public const string GrpcRoute = """
    {
      "apiVersion": "gateway.networking.k8s.io/v1",
      "kind": "GRPCRoute",
      "metadata": { "name": "grpc-route", "namespace": "demo" },
      "spec": {
        "parentRefs": [ { "group": "", "kind": "Service", "name": "grpc-echo", "port": 7070 } ],
        "hostnames": [ "*.demo.svc.cluster.local" ],
        "rules": [
          {
            "name": "say",
            "matches": [
              { "method": { "type": "Exact", "service": "pkg.Echo", "method": "Say" }, "headers": [ { "name": "x-env", "value": "prod" } ] },
              { "method": { "type": "RegularExpression", "service": "pkg\\..*" } }
            ],
            "filters": [
              { "type": "RequestHeaderModifier", "requestHeaderModifier": { "set": [ { "name": "x-a", "value": "1" } ] } },
              { "type": "RequestMirror", "requestMirror": { "backendRef": { "name": "shadow", "port": 7070 },
                  "fraction": { "numerator": 1, "denominator": 10 } } }
            ],
            "backendRefs": [
              { "name": "grpc-echo-v1", "port": 7070, "weight": 1,
                "filters": [ { "type": "ResponseHeaderModifier", "responseHeaderModifier": { "remove": [ "x-b" ] } } ] }
            ],
            "sessionPersistence": { "type": "Header", "sessionName": "x-session" }
          },
          {
            "filters": [ { "type": "ExtensionRef", "extensionRef": { "group": "", "kind": "ConfigMap", "name": "f" } } ],
            "backendRefs": [ { "name": "grpc-echo", "port": 7070 } ]
          }
        ]
      }
    }
    """;

    public const string ReferenceGrant = """
    {
      "apiVersion": "gateway.networking.k8s.io/v1beta1",
      "kind": "ReferenceGrant",
      "metadata": { "name": "allow-routes", "namespace": "backend" },
      "spec": {
        "from": [ { "group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "frontend" } ],
        "to": [ { "group": "", "kind": "Service", "name": "echo" } ]
      }
    }
    """;

    public static string Of(string kind) => kind switch
    {
        "HTTPRoute" => HttpRoute,
        "GRPCRoute" => GrpcRoute,
        "ReferenceGrant" => ReferenceGrant,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
