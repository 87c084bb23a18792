using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;

namespace Gasleser.Loading
{
    /// <summary>
    /// The module's third-party libraries — DnsClient, CsvHelper, TimeZoneConverter — and Gasleser.Dependencies, the
    /// module's own code that uses them (src/Gasleser.Dependencies), ship in the module's dependencies/ folder and
    /// load from there, never beside another module's copy.
    ///
    /// Why a folder and a second assembly: a PowerShell process is shared, and .NET's default load context holds one
    /// assembly per name. When another module has loaded, say, DnsClient 1.6.1 there, a reference to DnsClient 1.8
    /// from the default context fails with a FileLoadException (0x80131040) and no resolve event is raised; when
    /// Gasleser has loaded its versions there first, the other module's Add-Type fails. So nothing in Gasleser.dll
    /// names a type of those libraries: it calls Gasleser.Dependencies, which the default context cannot find (it is
    /// not beside Gasleser.dll). The AssemblyResolve handler registered here answers that request:
    /// <list type="bullet">
    /// <item>PowerShell 7 (.NET): with the copy in the module's own load context (<see cref="DependencyLoadContext"/>,
    /// named "Gasleser"), into which the whole dependencies/ folder is loaded first, so that its references bind inside
    /// it. Everything else — System.*, PowerShell, Gasleser.dll — comes from the default context as before:
    /// System.Text.Json is PowerShell's own.</item>
    /// <item>Windows PowerShell 5.1 (.NET Framework, no load contexts): with Assembly.LoadFrom of the same file, whose
    /// references .NET Framework finds beside it; the binding redirects powershell.exe lacks are
    /// <see cref="WindowsPowerShellDependencies"/>' part of the same handler.</item>
    /// </list>
    /// Before Gasleser.Dependencies is handed out, each library it references is checked in the folder; a missing,
    /// damaged or too old one becomes a <see cref="GasleserDependencyException"/> naming it, where the module uses it
    /// (<see cref="Use{T}"/>), never a raw FileLoadException.
    /// </summary>
    internal static class PrivateDependencies
    {
        public const string FolderName = "dependencies";
        public const string EngineName = "Gasleser.Dependencies";
        public const string ContextName = "Gasleser";

        // What each library is for, in the messages of a failure.
        private static readonly Dictionary<string, string> Purposes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [EngineName] = "the module's part that uses DnsClient, CsvHelper and TimeZoneConverter",
            ["DnsClient"] = "Find-Gasleser's mDNS browse",
            ["CsvHelper"] = "reading logs (Import-GasleserLog, and Export-GasleserLog's check of an existing log)",
            ["TimeZoneConverter"] = "Measure-GasleserUsage -TimeZone",
        };

        private static readonly Assembly Self = typeof(PrivateDependencies).Assembly;
        private static readonly bool OnNetFramework = typeof(object).Assembly.GetName().Name == "mscorlib";
        private static readonly object Gate = new object();
        private static int _imports;
        private static DependencyLoadContext? _context;
        private static Assembly? _engine;
        private static GasleserDependencyException? _failure;

        /// <summary>The folder Gasleser.dll was loaded from.</summary>
        public static string ModuleFolder => Path.GetDirectoryName(Self.Location) ?? "";

        /// <summary>The dependencies/ folder beside it.</summary>
        public static string Folder => Path.Combine(ModuleFolder, FolderName);

        /// <summary>True while the resolver is registered: from the first Import-Module of the process to the last Remove-Module.</summary>
        internal static bool Registered => Volatile.Read(ref _imports) > 0;

        /// <summary>The module's load context once Gasleser.Dependencies was first needed (on .NET only).</summary>
        internal static DependencyLoadContext? Context => _context;

        /// <summary>
        /// Called by every Import-Module (each runspace imports on its own): the first registers the resolver.
        /// Each import is counted, so that removing the module from one runspace does not pull the resolver from
        /// under another that still uses it.
        /// </summary>
        public static void Register()
        {
            lock (Gate)
            {
                if (_imports++ == 0)
                {
                    AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
                }
            }
        }

        /// <summary>Called by every Remove-Module: the last one unregisters the resolver.</summary>
        public static void Unregister()
        {
            lock (Gate)
            {
                if (_imports > 0 && --_imports == 0)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= OnAssemblyResolve;
                }
            }
        }

        /// <summary>
        /// Runs <paramref name="use"/>, code that calls into Gasleser.Dependencies. A shipped assembly that cannot be
        /// loaded becomes a <see cref="GasleserDependencyException"/>; every other exception passes as it is.
        /// (<paramref name="use"/> is a method of its own, so the just-in-time compiler's load of Gasleser.Dependencies
        /// happens inside the try.)
        /// </summary>
        public static T Use<T>(Func<T> use)
        {
            try
            {
                return use();
            }
            catch (Exception ex)
            {
                GasleserDependencyException? failure = AsFailure(ex);
                if (failure == null)
                {
                    throw;
                }

                throw failure;
            }
        }

        /// <inheritdoc cref="Use{T}"/>
        public static void Use(Action use) => Use(() =>
        {
            use();
            return true;
        });

        /// <summary>
        /// The <see cref="GasleserDependencyException"/> for <paramref name="error"/> (or an exception inside it) when it
        /// says that an assembly the module ships could not be loaded; otherwise null.
        /// </summary>
        internal static GasleserDependencyException? AsFailure(Exception error)
        {
            for (Exception? e = error; e != null; e = e is AggregateException aggregate && aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : e.InnerException)
            {
                if (e is GasleserDependencyException ours)
                {
                    return ours;
                }

                string? fileName = e is FileNotFoundException notFound ? notFound.FileName
                    : e is FileLoadException badLoad ? badLoad.FileName
                    : e is BadImageFormatException badImage ? badImage.FileName
                    : null;
                AssemblyName? requested = Parse(fileName);
                if (requested?.Name == null)
                {
                    continue;
                }

                if (requested.Name == EngineName && Volatile.Read(ref _failure) is GasleserDependencyException known)
                {
                    return new GasleserDependencyException(known.Message, known.AssemblyName, known.RequiredVersion, known.FoundVersion, known.InnerException);
                }

                if (requested.Name == EngineName || ShippedFile(requested.Name) != null)
                {
                    return Failure(requested, e);
                }
            }

            return null;
        }

        /// <summary>True when <paramref name="error"/> says that an assembly the module ships could not be loaded.</summary>
        internal static bool IsLoadFailure(Exception error) => AsFailure(error) != null;

        private static Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name);
            if (name.Name == EngineName)
            {
                return LoadEngine();
            }

            if (OnNetFramework)
            {
                return WindowsPowerShellDependencies.Resolve(name, ModuleFolder);
            }

            // .NET: asked from inside the module's context for a name neither .NET nor PowerShell has — a netstandard
            // back-port an older PowerShell might lack. The module's own copy (in its folder for Windows PowerShell),
            // loaded into its context too.
            DependencyLoadContext? context = Volatile.Read(ref _context);
            if (context == null || name.Name == null || name.Name == Self.GetName().Name || !context.Holds(args.RequestingAssembly))
            {
                return null;
            }

            string file = Path.Combine(ModuleFolder, name.Name + ".dll");
            return File.Exists(file) ? context.LoadFromAssemblyPath(file) : null;
        }

        /// <summary>
        /// Gasleser.Dependencies, loaded once: on .NET into the module's context after the whole folder, on .NET
        /// Framework with LoadFrom. Null (and the reason kept for <see cref="AsFailure"/>) when it or a library it
        /// references is missing, unreadable or older than it was built with.
        /// </summary>
        private static Assembly? LoadEngine()
        {
            lock (Gate)
            {
                if (_engine != null || _failure != null)
                {
                    return _engine;
                }

                var engineName = new AssemblyName(EngineName) { Version = Self.GetName().Version };
                try
                {
                    string enginePath = Path.Combine(Folder, EngineName + ".dll");
                    if (!File.Exists(enginePath))
                    {
                        _failure = Failure(engineName, null);
                        return null;
                    }

                    DependencyLoadContext? context = DependencyLoadContext.Create(ContextName);
                    Assembly engine;
                    if (context != null)
                    {
                        foreach (string file in Directory.GetFiles(Folder, "*.dll"))
                        {
                            context.LoadFromAssemblyPath(file);
                        }

                        engine = context.LoadFromAssemblyPath(enginePath);
                        Volatile.Write(ref _context, context);
                    }
                    else
                    {
                        engine = Assembly.LoadFrom(enginePath);
                    }

                    foreach (AssemblyName reference in engine.GetReferencedAssemblies())
                    {
                        // netstandard and the back-ports beside Gasleser.dll come from the runtime (or, on .NET Framework,
                        // from the module's folder); everything else must be in dependencies/, at least as new as asked.
                        if (reference.Name == null || reference.Name == "netstandard" || File.Exists(Path.Combine(ModuleFolder, reference.Name + ".dll")))
                        {
                            continue;
                        }

                        string file = Path.Combine(Folder, reference.Name + ".dll");
                        Version? found = File.Exists(file) ? AssemblyName.GetAssemblyName(file).Version : null;
                        if (found == null || (reference.Version != null && found < reference.Version))
                        {
                            _failure = Failure(reference, null);
                            return null;
                        }
                    }

                    _engine = engine;
                    return engine;
                }
                catch (Exception ex) when (ex is IOException || ex is BadImageFormatException || ex is UnauthorizedAccessException)
                {
                    AssemblyName culprit = Parse((ex as FileLoadException)?.FileName ?? (ex as FileNotFoundException)?.FileName ?? (ex as BadImageFormatException)?.FileName)
                        ?? engineName;
                    _failure = Failure(culprit, ex);
                    return null;
                }
            }
        }

        /// <summary>What went wrong with <paramref name="requested"/>: what the module's folder holds instead, and any other copy loaded.</summary>
        private static GasleserDependencyException Failure(AssemblyName requested, Exception? error)
        {
            string name = requested.Name ?? "";
            string? file = ShippedFile(name);
            string expected = Path.Combine(name == EngineName || Purposes.ContainsKey(name) ? Folder : ModuleFolder, name + ".dll");
            Version? found = null;
            string problem;
            if (file == null)
            {
                problem = $"{expected} is missing";
            }
            else
            {
                try
                {
                    found = AssemblyName.GetAssemblyName(file).Version;
                    problem = requested.Version != null && found < requested.Version
                        ? $"the module's copy, {file}, is version {found}"
                        : $"the module's copy, {file} (version {found}), did not load: {error?.Message}";
                }
                catch (Exception ex) when (ex is IOException || ex is BadImageFormatException || ex is UnauthorizedAccessException)
                {
                    problem = $"the module's copy, {file}, is not a readable assembly ({ex.Message})";
                }
            }

            string others = string.Concat(AppDomain.CurrentDomain.GetAssemblies()
                .Where(a => string.Equals(a.GetName().Name, name, StringComparison.OrdinalIgnoreCase) && !IsInModuleFolder(a))
                .Select(a => $" Another module has loaded version {a.GetName().Version} ({LocationOf(a)}); Gasleser does not use it."));
            string purpose = Purposes.TryGetValue(name, out string? what) ? $", which it needs for {what}" : "";
            string message = $"The Gasleser module could not load {name} {requested.Version}{purpose}: {problem}.{others}";
            return new GasleserDependencyException(message, name, requested.Version, found, error);
        }

        /// <summary>The module's file for assembly <paramref name="name"/>: in dependencies/ or beside Gasleser.dll; null when neither has it.</summary>
        private static string? ShippedFile(string name) =>
            new[] { Path.Combine(Folder, name + ".dll"), Path.Combine(ModuleFolder, name + ".dll") }.FirstOrDefault(File.Exists);

        private static bool IsInModuleFolder(Assembly assembly)
        {
            string location = LocationOf(assembly);
            return location.StartsWith(ModuleFolder + Path.DirectorySeparatorChar, StringComparison.OrdinalIgnoreCase);
        }

        private static string LocationOf(Assembly assembly)
        {
            try
            {
                return assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location) ? "in memory" : assembly.Location;
            }
            catch (NotSupportedException)
            {
                return "in memory";
            }
        }

        private static AssemblyName? Parse(string? displayName)
        {
            if (string.IsNullOrEmpty(displayName))
            {
                return null;
            }

            try
            {
                return new AssemblyName(displayName);
            }
            catch (Exception ex) when (ex is FileLoadException || ex is ArgumentException)
            {
                return null; // a path rather than an assembly name
            }
        }
    }
}
