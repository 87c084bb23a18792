using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Gasleser.Loading
{
    /// <summary>
    /// The module's own <c>AssemblyLoadContext</c> on PowerShell 7 (.NET), reached by reflection: the module is built
    /// for netstandard2.0, whose reference set has no load contexts (the PowerShell team's ALC samples and
    /// PSResourceGet do the same). Null on Windows PowerShell 5.1 (.NET Framework), which has none.
    ///
    /// The context has no Load override, so a name it does not hold goes to the default context, where PowerShell and
    /// .NET are: System.Text.Json and the other in-box assemblies bind to PowerShell's own copies. The names it does
    /// hold are answered from within: .NET looks in the context itself first, before anything else. That is why
    /// <see cref="PrivateDependencies"/> loads the whole dependencies/ folder into it before handing out the first
    /// assembly of it.
    /// </summary>
    internal sealed class DependencyLoadContext
    {
        private static readonly Type? ContextType = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext");

        private readonly object _context;
        private readonly MethodInfo _loadFromAssemblyPath;
        private readonly PropertyInfo _assemblies;
        private readonly MethodInfo _getLoadContext;

        private DependencyLoadContext(Type type, string name)
        {
            // AssemblyLoadContext(string name, bool isCollectible): not collectible, as Gasleser.dll itself never unloads.
            _context = type.GetConstructor(new[] { typeof(string), typeof(bool) })!.Invoke(new object[] { name, false });
            _loadFromAssemblyPath = type.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) })!;
            _assemblies = type.GetProperty("Assemblies")!;
            _getLoadContext = type.GetMethod("GetLoadContext", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(Assembly) }, null)!;
        }

        /// <summary>A new context named <paramref name="name"/>, or null where there are no load contexts (.NET Framework).</summary>
        public static DependencyLoadContext? Create(string name) => ContextType == null ? null : new DependencyLoadContext(ContextType, name);

        /// <summary>Loads the assembly at <paramref name="path"/> into this context (or returns the copy it already holds).</summary>
        public Assembly LoadFromAssemblyPath(string path)
        {
            try
            {
                return (Assembly)_loadFromAssemblyPath.Invoke(_context, new object[] { path })!;
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                throw ex.InnerException;
            }
        }

        /// <summary>The assemblies this context holds.</summary>
        public IEnumerable<Assembly> Assemblies => ((IEnumerable<Assembly>)_assemblies.GetValue(_context)!).ToList();

        /// <summary>True when <paramref name="assembly"/> was loaded into this context.</summary>
        public bool Holds(Assembly? assembly) => assembly != null && ReferenceEquals(_getLoadContext.Invoke(null, new object[] { assembly }), _context);
    }
}
