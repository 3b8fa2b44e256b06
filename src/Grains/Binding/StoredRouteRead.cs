using System.Text.Json;

namespace Mesh.Grains.Binding;

/// <summary>What <see cref="StoredRoute.Read"/> made of a stored route: exactly one of the three is set.</summary>
public readonly record struct StoredRouteRead<T>(T? Valid, InvalidRoute? Invalid, JsonException? Unreadable)
    where T : class;
