#Requires -Version 7.4
<#
    The module in a shared session and installed as users install it, in real pwsh processes:
    - other versions of DnsClient, CsvHelper and TimeZoneConverter loaded by "another module" (Add-Type) before or
      after Gasleser: both work, each on its own copies (Gasleser's load context is named "Gasleser");
    - Remove-Module / Import-Module three times in one session, a reading each time;
    - a damaged install: a Gasleser.* error naming the assembly and the version found;
    - build.ps1 -Package's package installed with Install-PSResource from a local file repository under a temporary
      home, updated with Update-PSResource, uninstalled with Uninstall-PSResource (never a remote gallery);
    - build.ps1 -Install, then Import-Module Gasleser by name in a fresh process outside the repository.
    mDNS goes to responders on loopback (never the multicast group); devices are the simulator on 127.0.0.1.
        dotnet pwsh tests/Invoke-PesterSuite.ps1 -Path tests/LoadContext.Tests.ps1
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Pester/TestSupport.psm1') -Force
    $Repo = Get-RepoRoot
    $Manifest = Get-GasleserManifest
    $Older = @('DnsClient-1.6.1/DnsClient.dll', 'CsvHelper-33.1.0/CsvHelper.dll', 'TimeZoneConverter-7.2.0/TimeZoneConverter.dll') |
        ForEach-Object { Join-Path $Repo "out/conflicts/$_" }
    foreach ($dll in $Older) { if (-not (Test-Path $dll)) { throw "Build first (dotnet build): $dll is not staged." } }

    $base = Get-FreePort
    $Port = @{ OlderFirst = $base; GasleserFirst = $base + 1; Installed = $base + 2; Watched = $base + 3; Found = $base + 4; Again = $base + 5 }
    $Simulator = Start-GasleserSimulator -LogFolder $TestDrive -Device (0..7 | ForEach-Object { "127.0.0.1:$($base + $_)" })

    # A log of two readings and its usage: what Import-GasleserLog and Measure-GasleserUsage -TimeZone are given.
    $Log = Join-Path $TestDrive 'gas.csv'
    Set-Content $Log -Encoding utf8 -Value @(
        '"ComputerName","DeviceId","Timestamp","TotalConsumption"'
        '"127.0.0.1:8080","GAS_1","2026-11-25T06:00:00+01:00","1234.5"'
        '"127.0.0.1:8080","GAS_1","2026-11-25T22:00:00+01:00","1236.25"')

    function ConvertTo-DnsBytes {
        # What a device's mDNS responder answers a PTR question with: PTR, then SRV, TXT and A (RFC 6762).
        param([int] $DevicePort, [string] $Label)
        $bytes = [Collections.Generic.List[byte]]::new()
        function U16([int] $v) { $bytes.Add([byte](($v -shr 8) -band 0xFF)); $bytes.Add([byte]($v -band 0xFF)) }
        function Name([string] $n) { foreach ($l in $n.Split('.')) { $b = [Text.Encoding]::ASCII.GetBytes($l); $bytes.Add([byte]$b.Length); $bytes.AddRange($b) }; $bytes.Add(0) }
        function Record([string] $n, [int] $type, [int] $class, [int] $ttl, [scriptblock] $data) {
            Name $n; U16 $type; U16 $class; U16 0; U16 $ttl
            $at = $bytes.Count; U16 0; & $data
            $length = $bytes.Count - $at - 2; $bytes[$at] = [byte]($length -shr 8); $bytes[$at + 1] = [byte]($length -band 0xFF)
        }
        $instance = "$Label._gasleser._tcp.local"; $hostName = "$Label.local"
        U16 0; U16 0x8400; U16 0; U16 1; U16 0; U16 3
        Record '_gasleser._tcp.local' 12 1 4500 { Name $instance }
        Record $instance 33 0x8001 120 { U16 0; U16 0; U16 $DevicePort; Name $hostName }
        Record $instance 16 0x8001 4500 { $t = [Text.Encoding]::ASCII.GetBytes("id=$Label"); $bytes.Add([byte]$t.Length); $bytes.AddRange($t) }
        Record $hostName 1 0x8001 120 { $bytes.AddRange([byte[]](127, 0, 0, 1)) }
        , $bytes.ToArray()
    }

    function Start-MdnsResponder {
        # A responder on a loopback address of its own, announcing one simulated device; a Find pointed at it
        # (the MdnsTarget test hook) hears it answer by unicast, as a device answers a one-shot query.
        param([int] $DevicePort)
        $udp = [Net.Sockets.UdpClient]::new([Net.IPEndPoint]::new([ipaddress]'127.0.0.1', 0))
        $answer = ConvertTo-DnsBytes -DevicePort $DevicePort -Label "gas-$DevicePort"
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($udp, $answer)
                $from = [Net.IPEndPoint]::new([ipaddress]::Any, 0)
                while ($true) {
                    try { $query = $udp.Receive([ref] $from) } catch { return }
                    if ($query.Length -ge 12 -and -not ($query[2] -band 0x80)) {
                        $reply = [byte[]] $answer.Clone(); $reply[0] = $query[0]; $reply[1] = $query[1]
                        $null = $udp.Send($reply, $reply.Length, $from)
                    }
                }
            }).AddArgument($udp).AddArgument($answer)
        $null = $ps.BeginInvoke()
        [pscustomobject]@{ Udp = $udp; PowerShell = $ps; EndPoint = $udp.Client.LocalEndPoint.ToString() }
    }

    $Responders = @{}
    foreach ($name in 'OlderFirst', 'GasleserFirst', 'Found') { $Responders[$name] = Start-MdnsResponder -DevicePort $Port[$name] }

    function Start-Pwsh {
        # A fresh pwsh process running -Script (nothing imported first), with -Environment's variables set or
        # (value $null) removed, in -WorkingDirectory. Its output and errors go to files; pair with Wait-PwshProcess.
        param([string] $Script, [hashtable] $Environment = @{}, [string] $WorkingDirectory = $TestDrive)
        $name = 'pwsh-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        $file = Join-Path $TestDrive "$name.ps1"
        Set-Content $file -Encoding utf8 -Value ("`$ErrorActionPreference = 'Stop'; `$ProgressPreference = 'SilentlyContinue'; `$PSStyle.OutputRendering = 'PlainText'`n" + $Script)
        $pwsh = Get-PwshCommand
        $out = Join-Path $TestDrive "$name.out"; $err = Join-Path $TestDrive "$name.err"
        $process = Start-Process $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)) `
            -PassThru -RedirectStandardOutput $out -RedirectStandardError $err -WorkingDirectory $WorkingDirectory -Environment $Environment
        [pscustomobject]@{ Process = $process; Out = $out; Err = $err }
    }

    # The Gasleser module's three uses of its libraries, and where each library came from.
    $UseAll = @'
function Use-Gasleser([string] $MdnsTarget, [string] $Log) {
    [Gasleser.InternalHooks]::SetTestHook('MdnsTarget', [Net.IPEndPoint]::Parse($MdnsTarget))
    [Gasleser.InternalHooks]::SetTestHook('MdnsWindow', [TimeSpan]::FromSeconds(1))
    "found=$((Find-Gasleser -Method Mdns | ForEach-Object { "$($_.ComputerName):$($_.Port) $($_.Status)" }))"
    "imported=$((Import-GasleserLog $Log).TotalConsumption -join ',')"
    "used=$((Import-GasleserLog $Log | Measure-GasleserUsage -TimeZone Europe/Berlin).Consumption)"
}
function Show-Assemblies {
    foreach ($a in [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'DnsClient', 'CsvHelper', 'TimeZoneConverter' } | Sort-Object { $_.GetName().Name }, { $_.GetName().Version }) {
        "loaded=$($a.GetName().Name) $($a.GetName().Version) [$([Runtime.Loader.AssemblyLoadContext]::GetLoadContext($a).Name)]"
    }
}
function Use-Others {
    # The other module's copies, in the default context, work as that module expects.
    "other=DnsClient $([DnsClient.LookupClient].Assembly.GetName().Version) CsvHelper $([CsvHelper.CsvReader].Assembly.GetName().Version) TimeZoneConverter $([TimeZoneConverter.TZConvert].Assembly.GetName().Version) $([TimeZoneConverter.TZConvert]::IanaToWindows('Europe/Berlin'))"
}
'@

    # Started at once, side by side; each It waits for its own.
    $OlderFirst = Start-Pwsh -Script ($UseAll + @"
`n$(($Older | ForEach-Object { "Add-Type -Path '$_'" }) -join "`n")
Import-Module '$Manifest'
Use-Gasleser '$($Responders.OlderFirst.EndPoint)' '$Log'
Show-Assemblies
Use-Others
"@)
    $GasleserFirst = Start-Pwsh -Script ($UseAll + @"
`nImport-Module '$Manifest'
Use-Gasleser '$($Responders.GasleserFirst.EndPoint)' '$Log'
$(($Older | ForEach-Object { "Add-Type -Path '$_'" }) -join "`n")
'added=ok'
Show-Assemblies
Use-Others
"@)
    $Again = Start-Pwsh -Script @"
function Resolvers { @([Runtime.Loader.AssemblyLoadContext].GetField('AssemblyResolve', [Reflection.BindingFlags]'NonPublic,Static').GetValue(`$null)?.GetInvocationList() |
    Where-Object { `$_.Method.DeclaringType.Assembly.GetName().Name -eq 'Gasleser' }).Count }
foreach (`$i in 1..3) {
    Import-Module '$Manifest'
    `$reading = Get-GasleserReading "127.0.0.1:`$($($Port.Again) + `$i - 1)"
    `$imported = Resolvers
    Remove-Module Gasleser
    "round=`$i reading=`$(`$reading.DeviceId) resolvers=`$imported after-remove=`$(Resolvers) module=`$(@(Get-Module Gasleser).Count)"
}
"@
    # A damaged install: dependencies/ holds CsvHelper 33 instead of 34.
    $Damaged = Join-Path $TestDrive 'damaged/Gasleser'
    New-Item -ItemType Directory $Damaged | Out-Null
    Copy-Item (Join-Path (Split-Path $Manifest) '*') $Damaged -Recurse
    Copy-Item $Older[1] (Join-Path $Damaged 'dependencies/CsvHelper.dll') -Force
    $DamagedRun = Start-Pwsh -Script @"
Import-Module '$Damaged/Gasleser.psd1'
`$ErrorActionPreference = 'Continue'
try { Import-GasleserLog '$Log' } catch { `$failed = `$_ }
"id=`$(`$failed.FullyQualifiedErrorId) target=`$(`$failed.TargetObject)"
"message=`$(`$failed.Exception.Message)"
"action=`$(`$failed.ErrorDetails.RecommendedAction)"
"@
}

AfterAll {
    foreach ($r in $Responders.Values) { $r.Udp.Dispose(); $r.PowerShell.Dispose() }
    $Simulator | Stop-GasleserSimulator
}

Describe 'Another module loaded other versions of the libraries first' {
    It 'Find -Method Mdns, Import-GasleserLog and Measure -TimeZone work on Gasleser''s own copies; the other module''s copies stay in use' {
        $result = $OlderFirst | Wait-PwshProcess

        $result.Error | Should -BeNullOrEmpty
        $result.Output | Should -Match "found=127\.0\.0\.1:$($Port.OlderFirst) Online"
        $result.Output | Should -Match 'imported=1234\.5,1236\.25'
        $result.Output | Should -Match 'used=1\.75'
        $result.Output | Should -Match 'loaded=DnsClient 1\.6\.1\.0 \[Default\]\s+loaded=DnsClient 1\.8\.0\.0 \[Gasleser\]'
        $result.Output | Should -Match 'loaded=CsvHelper 33\.0\.0\.0 \[Default\]\s+loaded=CsvHelper 34\.0\.0\.0 \[Gasleser\]'
        $result.Output | Should -Match 'loaded=TimeZoneConverter 7\.2\.0\.0 \[Default\]\s+loaded=TimeZoneConverter 8\.0\.1\.0 \[Gasleser\]'
        $result.Output | Should -Match 'other=DnsClient 1\.6\.1\.0 CsvHelper 33\.0\.0\.0 TimeZoneConverter 7\.2\.0\.0 W\. Europe Standard Time'
    }
}

Describe 'Gasleser loaded first' {
    It 'used all three libraries, then another module''s Add-Type of other versions succeeds and works' {
        $result = $GasleserFirst | Wait-PwshProcess

        $result.Error | Should -BeNullOrEmpty
        $result.Output | Should -Match "found=127\.0\.0\.1:$($Port.GasleserFirst) Online"
        $result.Output | Should -Match 'used=1\.75'
        $result.Output | Should -Match 'added=ok'
        $result.Output | Should -Match 'other=DnsClient 1\.6\.1\.0 CsvHelper 33\.0\.0\.0 TimeZoneConverter 7\.2\.0\.0 W\. Europe Standard Time'
        $result.Output | Should -Not -Match 'loaded=\S+ \S+ \[Default\]\s+loaded=\S+ \S+ \[Default\]'
    }
}

Describe 'Remove-Module and Import-Module in one session' {
    It 'works three times in a row, a reading each time; each removal takes the resolver with it' {
        $result = $Again | Wait-PwshProcess

        $result.Error | Should -BeNullOrEmpty
        foreach ($i in 1..3) {
            $result.Output | Should -Match "round=$i reading=GAS_\d+ resolvers=1 after-remove=0 module=0"
        }
    }
}

Describe 'A damaged install' {
    It 'gives Gasleser.DependencyNotLoaded naming the assembly, the version it needs, the version found and what to do' {
        $result = $DamagedRun | Wait-PwshProcess

        $result.Output | Should -Match 'id=Gasleser\.DependencyNotLoaded\S* target=CsvHelper'
        $result.Output | Should -Match 'message=The Gasleser module could not load CsvHelper 34\.0\.0\.0, which it needs for reading logs .*: the module''s copy, .*dependencies.CsvHelper\.dll, is version 33\.0\.0\.0\.'
        $result.Output | Should -Match 'action=Install the module again.*Install-PSResource Gasleser -Reinstall'
        $result.Output + $result.Error | Should -Not -Match 'FileLoadException|0x80131040'
    }
}

# On Windows the user's module folder is in Documents, which no environment variable moves: there these run only
# where a throw-away user profile is acceptable (not here: the project is built and tested on Linux).
Describe 'Installed as users install' -Skip:$IsWindows {
    BeforeAll {
        # A home of its own: PSResourceGet's repository list and the user's module folder live under it.
        $Home18 = Join-Path $TestDrive 'home'
        $Feed = Join-Path $TestDrive 'feed'
        New-Item -ItemType Directory $Home18, $Feed | Out-Null
        $UserEnvironment = @{ HOME = $Home18; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; PSModulePath = $null }
    }

    It 'build.ps1 -Package''s package: Install-PSResource, a fresh process runs every cmdlet, Update-PSResource to a newer one, Uninstall-PSResource' {
        # ./build.ps1 -Package's output: build.ps1 -Test makes it before the tests; run alone, the test makes its own.
        $version = (Import-PowerShellDataFile (Join-Path $Repo 'out/Gasleser/Gasleser.psd1')).ModuleVersion
        $packages = Join-Path $Repo 'out/package'
        $made = Get-Item (Join-Path $packages "Gasleser.$version.nupkg") -ErrorAction SilentlyContinue
        if (-not $made -or $made.LastWriteTimeUtc -lt (Get-Item (Join-Path $Repo 'out/Gasleser/Gasleser.dll')).LastWriteTimeUtc) {
            $packages = Join-Path $TestDrive 'package'
            dotnet msbuild (Join-Path $Repo 'src/Gasleser/Gasleser.csproj') -t:Package -nologo -v:q "-p:ModulePackageRoot=$packages/" | Out-Null
            $LASTEXITCODE | Should -Be 0
        }
        Copy-Item (Join-Path $packages "Gasleser.$version.nupkg") $Feed
        # A newer version: the same package with the manifest's version one higher.
        $newer = ([version]$version).Major, ([version]$version).Minor, (([version]$version).Build + 1) -join '.'
        $newerFolder = Join-Path $TestDrive 'newer/Gasleser'
        New-Item -ItemType Directory (Split-Path $newerFolder) | Out-Null
        Copy-Item (Join-Path $packages "Gasleser/$version") $newerFolder -Recurse
        $psd1 = Join-Path $newerFolder 'Gasleser.psd1'
        Set-Content $psd1 ((Get-Content $psd1 -Raw) -replace "ModuleVersion(\s*)=(\s*)'$([regex]::Escape($version))'", "ModuleVersion`$1=`$2'$newer'") -NoNewline

        $install = Start-Pwsh -Environment $UserEnvironment -Script @"
Unregister-PSResourceRepository -Name PSGallery -ErrorAction SilentlyContinue
Register-PSResourceRepository -Name GasleserLocal -Uri '$Feed' -Trusted
Install-PSResource Gasleser -Repository GasleserLocal
"installed=`$((Get-InstalledPSResource Gasleser).Version)"
"@ | Wait-PwshProcess
        $install.Error | Should -BeNullOrEmpty
        $install.Output | Should -Match "installed=$([regex]::Escape($version))"

        $used = Start-Pwsh -Environment $UserEnvironment -Script ($UseAll + @"
`nImport-Module Gasleser
"module=`$((Get-Module Gasleser).Version) `$((Get-Module Gasleser).ModuleBase)"
"get=`$((Get-GasleserReading 127.0.0.1:$($Port.Installed)).DeviceId)"
"watch=`$((Watch-GasleserReading 127.0.0.1:$($Port.Watched) -Count 1).DeviceId)"
"session=`$((Get-GasleserSession 127.0.0.1:$($Port.Installed)).ComputerName)"
Get-GasleserReading 127.0.0.1:$($Port.Installed) -MaxAge 60 | Export-GasleserLog '$TestDrive/installed.csv'
"exported=`$((Import-GasleserLog '$TestDrive/installed.csv').DeviceId)"
Use-Gasleser '$($Responders.Found.EndPoint)' '$Log'
"@) | Wait-PwshProcess
        $used.Error | Should -BeNullOrEmpty
        $used.Output | Should -Match "module=$([regex]::Escape($version)) .*home.\.local.share.powershell.Modules.Gasleser.$([regex]::Escape($version))"
        $used.Output | Should -Match 'get=GAS_\d+'
        $used.Output | Should -Match 'watch=GAS_\d+'
        $used.Output | Should -Match "session=127\.0\.0\.1:$($Port.Installed)"
        $used.Output | Should -Match 'exported=GAS_\d+'
        $used.Output | Should -Match "found=127\.0\.0\.1:$($Port.Found) Online"
        $used.Output | Should -Match 'used=1\.75'

        $update = Start-Pwsh -Environment $UserEnvironment -Script @"
Publish-PSResource -Path '$newerFolder' -Repository GasleserLocal
Update-PSResource Gasleser -Repository GasleserLocal
"installed=`$((Get-InstalledPSResource Gasleser | Sort-Object Version).Version -join ',')"
Import-Module Gasleser
"module=`$((Get-Module Gasleser).Version)"
Remove-Module Gasleser
Uninstall-PSResource Gasleser -Version '*'
"left=`$(@(Get-InstalledPSResource Gasleser -ErrorAction SilentlyContinue).Count) available=`$(@(Get-Module Gasleser -ListAvailable).Count)"
"@ | Wait-PwshProcess
        $update.Error | Should -BeNullOrEmpty
        $update.Output | Should -Match "installed=$([regex]::Escape($version)),$([regex]::Escape($newer))"
        $update.Output | Should -Match "module=$([regex]::Escape($newer))"
        $update.Output | Should -Match 'left=0 available=0'
    }

    It 'build.ps1 -Install: a fresh process outside the repository imports Gasleser by name' {
        # The user's data folder (where pwsh keeps the user's modules) is a temporary one; the build keeps the real
        # home, where the .NET SDK and NuGet find their caches.
        $data = Join-Path $TestDrive 'install-data'
        $installHome = Join-Path $TestDrive 'install-home'
        # An older copy, to be replaced.
        New-Item -ItemType Directory (Join-Path $data 'powershell/Modules/Gasleser/0.0.1'), $installHome | Out-Null

        $installed = Start-Pwsh -Environment @{ XDG_DATA_HOME = $data; PSModulePath = $null } -WorkingDirectory $Repo `
            -Script "& '$(Join-Path $Repo 'build.ps1')' -Install" | Wait-PwshProcess -TimeoutSec 300
        $installed.ExitCode | Should -Be 0
        $installed.Output | Should -Match 'installed in .*install-data'
        $environment = @{ HOME = $installHome; XDG_DATA_HOME = $data; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; PSModulePath = $null }

        $outside = Join-Path $TestDrive 'elsewhere'
        New-Item -ItemType Directory $outside | Out-Null
        $used = Start-Pwsh -Environment $environment -WorkingDirectory $outside -Script @'
Import-Module Gasleser
"module=$((Get-Module Gasleser).ModuleBase) versions=$(@(Get-Module Gasleser -ListAvailable).Count) cmdlets=$((Get-Module Gasleser).ExportedCmdlets.Count) cwd=$PWD"
'@ | Wait-PwshProcess
        $used.Error | Should -BeNullOrEmpty
        $used.Output | Should -Match 'module=.*install-data.powershell.Modules.Gasleser.\d+\.\d+\.\d+ versions=1 cmdlets=7 cwd=.*elsewhere'
    }
}
