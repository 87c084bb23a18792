using System;
using System.Reflection;
using Gasleser.Hosting;

namespace Gasleser
{
    /// <summary>
    /// The one door for tests run from PowerShell (Pester), which cannot reach the module's internals:
    /// <c>[Gasleser.InternalHooks]::SetTestHook('PrivateFolder', $folder)</c> sets one of the process-wide
    /// settings by name. Not for scripts: the names and their meaning may change in any release.
    /// (xunit reaches the internals directly, through InternalsVisibleTo.)
    /// </summary>
    public static class InternalHooks
    {
        /// <summary>Sets the process-wide setting <paramref name="property"/> (a property of the module's ProcessWide settings) to <paramref name="value"/>.</summary>
        public static void SetTestHook(string property, object? value)
        {
            PropertyInfo setting = typeof(Hosting.ProcessWide).GetProperty(property, BindingFlags.Static | BindingFlags.Public)
                ?? throw new ArgumentException($"There is no test hook named '{property}'.", nameof(property));
            setting.SetValue(null, value);
        }
    }
}
