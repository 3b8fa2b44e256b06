namespace Mesh.Gateway.Forwarding;

/// <summary>The client's body could not be read: the request is at fault, not the upstream.</summary>
internal sealed class UnreadableBodyException(Exception inner) : IOException(Describe(inner), inner)
{
    /// <summary>How every path that reads the client's body words its failure, in the 400 it answers.</summary>
    public static string Describe(Exception readFailure) => $"a body that could not be read ({readFailure.Message})";

    /// <summary>The marker anywhere in <paramref name="e"/>'s chain of causes.</summary>
    public static UnreadableBodyException? In(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
        {
            if (cause is UnreadableBodyException unreadable)
            {
                return unreadable;
            }
        }
        return null;
    }
}
