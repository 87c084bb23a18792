using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Gasleser.Loading
{
    /// <summary>
    /// Windows PowerShell 5.1 (.NET Framework) only: lets the module's own copies of its dependencies
    /// (System.Text.Json and its netstandard2.0 closure: System.Memory, System.Buffers,
    /// System.Runtime.CompilerServices.Unsafe, …; and those in dependencies/) load without the binding redirects
    /// powershell.exe does not have. System.Text.Json 8 asks for Unsafe 6.0.0.0 while System.Memory asks for 4.0.4.1,
    /// and .NET Framework loads strong-named assemblies by exact version unless redirected; the failed load
    /// raises AppDomain.AssemblyResolve, whose handler (<see cref="PrivateDependencies"/>) asks here:
    /// - only for the names of assemblies shipped in the module folder or its dependencies/ folder, with the same
    ///   public key token;
    /// - only when the version asked for is not newer than the one shipped (never hand out an older copy);
    /// - preferring a copy already loaded in the process (by another module) when it is at least as new
    ///   as asked, so the process does not hold two copies of one assembly without need.
    /// On PowerShell 7 (.NET) these assemblies come from the runtime and versions bind upward by
    /// themselves, so this is never asked there.
    /// </summary>
    internal static class WindowsPowerShellDependencies
    {
        private static readonly object Gate = new object();
        private static Dictionary<string, (AssemblyName Name, string Path)>? _shipped;

        /// <summary>The assembly to answer a failed load of <paramref name="requested"/> with, or null to leave it to others.</summary>
        public static Assembly? Resolve(AssemblyName requested, string moduleDirectory)
        {
            Dictionary<string, (AssemblyName Name, string Path)> shipped;
            lock (Gate)
            {
                shipped = _shipped ??= Shipped(moduleDirectory);
            }

            string? path = Choose(requested, shipped, AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName()), out AssemblyName? loaded);
            if (loaded != null)
            {
                return AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().FullName == loaded.FullName);
            }

            return path != null ? Assembly.LoadFrom(path) : null;
        }

        /// <summary>The decision, apart from the AppDomain: a loaded copy to reuse, a shipped file to load, or nothing.</summary>
        internal static string? Choose(
            AssemblyName requested,
            IReadOnlyDictionary<string, (AssemblyName Name, string Path)> shipped,
            IEnumerable<AssemblyName> loadedAssemblies,
            out AssemblyName? reuse)
        {
            reuse = null;
            if (requested.Name == null || !shipped.TryGetValue(requested.Name, out var ours))
            {
                return null;
            }

            if (!SameKey(requested, ours.Name) || (requested.Version != null && requested.Version > ours.Name.Version))
            {
                return null;
            }

            reuse = loadedAssemblies
                .Where(a => string.Equals(a.Name, requested.Name, StringComparison.OrdinalIgnoreCase) && SameKey(requested, a)
                            && (requested.Version == null || a.Version >= requested.Version))
                .OrderByDescending(a => a.Version)
                .FirstOrDefault();
            return reuse == null ? ours.Path : null;
        }

        /// <summary>The assemblies in the module folder and its dependencies/ folder, by name (Gasleser itself left out).</summary>
        internal static Dictionary<string, (AssemblyName Name, string Path)> Shipped(string moduleDirectory)
        {
            var shipped = new Dictionary<string, (AssemblyName, string)>(StringComparer.OrdinalIgnoreCase);
            string dependencies = Path.Combine(moduleDirectory, PrivateDependencies.FolderName);
            IEnumerable<string> files = Directory.GetFiles(moduleDirectory, "*.dll")
                .Concat(Directory.Exists(dependencies) ? Directory.GetFiles(dependencies, "*.dll") : Array.Empty<string>());
            foreach (string file in files)
            {
                try
                {
                    AssemblyName name = AssemblyName.GetAssemblyName(file);
                    if (name.Name != "Gasleser")
                    {
                        shipped[name.Name!] = (name, file);
                    }
                }
                catch (BadImageFormatException)
                {
                    // Not a managed assembly: nothing to resolve.
                }
            }

            return shipped;
        }

        private static bool SameKey(AssemblyName a, AssemblyName b)
        {
            byte[] x = a.GetPublicKeyToken() ?? Array.Empty<byte>(), y = b.GetPublicKeyToken() ?? Array.Empty<byte>();
            return x.Length == 0 || x.SequenceEqual(y);
        }
    }
}
