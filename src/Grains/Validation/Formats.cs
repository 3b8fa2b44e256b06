using System.Text.RegularExpressions;

namespace Mesh.Grains.Validation;

/// <summary>The Gateway API's string types (apis/v1/shared_types.go) and the plain length limits of single fields.</summary>
internal static class Formats
{
    private const string Dns1123Subdomain = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    public const string PathCharacters = @"^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$";

    /// <summary><see cref="PathCharacters"/> compiled as the API server reads it ('$' at the very end only).</summary>
    public static readonly Regex PathCharactersRegex = Re2.Compile(PathCharacters);

    public static readonly StringFormat Hostname = new(1, 253, @"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    public static readonly StringFormat PreciseHostname = new(1, 253, Dns1123Subdomain);
    public static readonly StringFormat Group = new(0, 253, @"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    public static readonly StringFormat Kind = new(1, 63, "^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$");
    public static readonly StringFormat ObjectName = new(1, 253);
    public static readonly StringFormat Namespace = new(1, 63, "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    public static readonly StringFormat SectionName = new(1, 253, Dns1123Subdomain);
    public static readonly StringFormat HeaderName = new(1, 256, @"^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$");
    public static readonly StringFormat Duration = new(0, int.MaxValue, "^([0-9]{1,5}(h|m|s|ms)){1,4}$");
    public static readonly StringFormat CorsOrigin = new(1, 253, @"(^\*$)|(^([a-zA-Z][a-zA-Z0-9+\-.]+):\/\/([^:/?#]+)(:([0-9]{1,5}))?$)");

    public static readonly StringFormat HeaderValue = new(1, 4096);
    public static readonly StringFormat QueryParamValue = new(1, 1024);
    public static readonly StringFormat PathValue = new(0, 1024);
    public static readonly StringFormat PathModifierValue = new(0, 1024);
    public static readonly StringFormat GrpcServiceOrMethod = new(0, 1024);
    public static readonly StringFormat SessionName = new(0, 128);
    public static readonly StringFormat AuthPath = new(0, 1024, PathCharacters);
    public static readonly StringFormat AuthHeader = new(0, 64);

    /// <summary>Strings the schema does not constrain (HTTPHeaderFilter.remove).</summary>
    public static readonly StringFormat Any = new(0, int.MaxValue);
}
