using System.Diagnostics;

namespace Mesh.Hosting;

/// <summary>
/// Ends this process when the process that launched it is gone, so a killed AppHost never leaves
/// a silo or gateway behind.
/// </summary>
public static class ParentProcessWatch
{
    /// <summary>Starts watching <paramref name="parentPid"/>; calls <paramref name="onExit"/> once it exits.</summary>
    public static void Start(int parentPid, Action onExit)
    {
        ArgumentNullException.ThrowIfNull(onExit);
        Process parent;
        try
        {
            parent = Process.GetProcessById(parentPid);
        }
        catch (ArgumentException)
        {
            onExit();
            return;
        }
        _ = Task.Run(async () =>
        {
            await parent.WaitForExitAsync().ConfigureAwait(false);
            onExit();
        });
    }
}
