#Requires -Version 7.4
<#
    What only real pwsh processes show: a fresh process importing the staged module, several processes
    asking one device at once, a CSV written in one culture and read in another, exit codes a scheduled
    task sees, the built-in cmdlets users pipe readings into. Against the device simulator on 127.0.0.1,
    on the real clock. Run by the test command (dotnet pwsh ./build.ps1 -Test), or alone after a build:
        dotnet pwsh tests/Invoke-PesterSuite.ps1 -Path tests/Shell.Tests.ps1
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Pester/TestSupport.psm1') -Force
    Import-Module (Get-GasleserManifest) -Force
    Use-TestPrivateFolder

    $base = Get-FreePort
    $Port = @{
        Two         = $base        # asked by two processes at once
        Three       = $base + 1    # asked by three processes at once
        Culture     = $base + 2
        Shapes      = $base + 3
        Parallel    = $base + 4
        OldFirmware = $base + 5
        Verbose     = $base + 6
    }
    $Simulator = Start-GasleserSimulator -LogFolder $TestDrive -Device @(
        "127.0.0.1:$($Port.Two)"
        "127.0.0.1:$($Port.Three)"
        "127.0.0.1:$($Port.Culture)"
        "127.0.0.1:$($Port.Shapes)"
        "127.0.0.1:$($Port.Parallel)"
        "127.0.0.1:$($Port.OldFirmware)=OldFirmware"
        "127.0.0.1:$($Port.Verbose)"
    )
    # The readings of the built-in-cmdlet tests: one request, then the session's copy.
    $Reading = Get-GasleserReading "127.0.0.1:$($Port.Shapes)"
}

AfterAll {
    $Simulator | Stop-GasleserSimulator
    Remove-Module Gasleser -ErrorAction SilentlyContinue
}

Describe 'A fresh pwsh process' {
    It 'imports the staged module by path with its seven cmdlets, views and help' {
        $result = Invoke-Pwsh -Command @'
$m = Get-Module Gasleser
"version=$($m.Version)"
"cmdlets=$((($m.ExportedCmdlets.Keys | Sort-Object) -join ','))"
"views=$(@(Get-FormatData Gasleser.GasleserReading).Count)"
"help=$((Get-Help Get-GasleserReading).Synopsis.Length -gt 0)"
'@

        $result.ExitCode | Should -Be 0
        $result.Error | Should -BeNullOrEmpty
        $result.Output | Should -Match 'version=\d+\.\d+\.\d+'
        $result.Output | Should -Match 'cmdlets=Export-GasleserLog,Find-Gasleser,Get-GasleserReading,Get-GasleserSession,Import-GasleserLog,Measure-GasleserUsage,Watch-GasleserReading'
        $result.Output | Should -Match 'views=1'
        $result.Output | Should -Match 'help=True'
    }

    It 'imports the module by name from $env:PSModulePath' {
        $out = Split-Path (Split-Path (Get-GasleserManifest) -Parent) -Parent
        $pwsh = Get-PwshCommand
        $sep = [IO.Path]::PathSeparator
        $env:PSModulePath_Saved = $env:PSModulePath
        try {
            $env:PSModulePath = "$out$sep$env:PSModulePath"
            $text = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command `
                'Import-Module Gasleser -ErrorAction Stop; (Get-Module Gasleser).ModuleBase'
        }
        finally { $env:PSModulePath = $env:PSModulePath_Saved; Remove-Item Env:PSModulePath_Saved }

        $LASTEXITCODE | Should -Be 0
        ($text | Select-Object -Last 1) | Should -Be (Split-Path (Get-GasleserManifest) -Parent)
    }

    It 'removes and imports the module again in one process' {
        $result = Invoke-Pwsh -Command @'
Remove-Module Gasleser
Import-Module $env:GASLESER_MANIFEST -ErrorAction Stop
(Get-Command Get-GasleserReading).Name
'@.Replace('$env:GASLESER_MANIFEST', "'$(Get-GasleserManifest)'")

        $result.Error | Should -BeNullOrEmpty
        $result.Output.Trim() | Should -Be 'Get-GasleserReading'
    }

    It 'exports only cmdlets with approved verbs' {
        $approved = (Get-Verb).Verb
        Get-Command -Module Gasleser | ForEach-Object { $approved | Should -Contain $_.Verb -Because $_.Name }
    }
}

Describe 'Several processes asking one device' {
    It 'two processes at once: the device sees no 429 and no two requests under 10 s apart' {
        $address = "127.0.0.1:$($Port.Two)"
        $started = 1..2 | ForEach-Object {
            Start-PwshProcess -LogFolder $TestDrive -Command "(Get-GasleserReading $address -TimeoutSec 5).DeviceId"
        }
        $results = $started | Wait-PwshProcess -TimeoutSec 90

        $results | ForEach-Object { $_.Output.Trim() | Should -Match '^GAS_\d+$' }
        $results | ForEach-Object { $_.Error | Should -BeNullOrEmpty }
        @(Get-SimulatorStatus $Simulator $Port.Two) -join ',' | Should -Be '200,200'
        Get-RequestGap $Simulator $Port.Two | ForEach-Object { $_ | Should -BeGreaterOrEqual 10 }
    }

    It 'three processes at once: three readings, no 429, every gap at least 10 s' {
        $address = "127.0.0.1:$($Port.Three)"
        $started = 1..3 | ForEach-Object {
            Start-PwshProcess -LogFolder $TestDrive -Command "(Get-GasleserReading $address -TimeoutSec 5).TotalConsumption"
        }
        $results = $started | Wait-PwshProcess -TimeoutSec 120

        $results | ForEach-Object { [double]$_.Output.Trim() | Should -BeGreaterThan 12000 }
        @(Get-SimulatorStatus $Simulator $Port.Three) -join ',' | Should -Be '200,200,200'
        $gaps = @(Get-RequestGap $Simulator $Port.Three)
        $gaps | Should -HaveCount 2
        $gaps | ForEach-Object { $_ | Should -BeGreaterOrEqual 10 }
    }

    It 'runspaces of ForEach-Object -Parallel share one session: no 429, gaps of at least 10 s' {
        $address = "127.0.0.1:$($Port.Parallel)"
        $manifest = Get-GasleserManifest
        $result = Invoke-Pwsh -TimeoutSec 90 -Command @"
1..3 | ForEach-Object -Parallel { Import-Module '$manifest'; (Get-GasleserReading $address).DeviceId } -ThrottleLimit 3
"@

        ($result.Output.Trim() -split '\r?\n') | Should -HaveCount 3
        @(Get-SimulatorStatus $Simulator $Port.Parallel) -join ',' | Should -Be '200,200,200'
        Get-RequestGap $Simulator $Port.Parallel | ForEach-Object { $_ | Should -BeGreaterOrEqual 10 }
    }
}

Describe 'CSV across cultures' {
    BeforeAll {
        $Csv = Join-Path $TestDrive 'de.csv'
        $written = Invoke-Pwsh -Culture de-DE -Command @"
`$r = Get-GasleserReading 127.0.0.1:$($Port.Culture)
`$r | Export-Csv -NoTypeInformation -Path '$Csv'
'{0}|{1}' -f `$r.TotalConsumption.ToString([cultureinfo]::InvariantCulture), `$r.Timestamp.ToUnixTimeSeconds()
"@
        $Written = $written.Output.Trim() -split '\|'
    }

    It 'a reading written under de-DE reads back under en-US with the same total and time' {
        $result = Invoke-Pwsh -Culture en-US -Command @"
`$r = Import-Csv '$Csv' | ForEach-Object { [Gasleser.GasleserReading]`$_ }
'{0}|{1}' -f `$r.TotalConsumption.ToString([cultureinfo]::InvariantCulture), `$r.Timestamp.ToUnixTimeSeconds()
"@

        $result.Error | Should -BeNullOrEmpty
        ($result.Output.Trim() -split '\|') | Should -Be $Written
    }

    It 'the same file reads back under the invariant culture too' {
        $result = Invoke-Pwsh -Command @"
[cultureinfo]::CurrentCulture = [cultureinfo]::InvariantCulture
`$r = Import-Csv '$Csv' | ForEach-Object { [Gasleser.GasleserReading]`$_ }
`$r.TotalConsumption.ToString([cultureinfo]::InvariantCulture)
"@

        $result.Output.Trim() | Should -Be $Written[0]
    }
}

Describe 'Errors as a script sees them' {
    It 'catch [Gasleser.GasleserException] catches a device error under -ErrorAction Stop' {
        $result = Invoke-Pwsh -Command @"
try { Get-GasleserReading 127.0.0.1:$($Port.OldFirmware) -ErrorAction Stop; 'not caught' }
catch [Gasleser.GasleserException] { 'caught ' + `$_.FullyQualifiedErrorId.Split(',')[0] + ' ' + `$_.Exception.GetType().Name }
"@

        $result.Output.Trim() | Should -Be 'caught Gasleser.FirmwareUnsupported GasleserFirmwareUnsupportedException'
    }

    It 'catch [Gasleser.GasleserException] catches a bad address too' {
        $result = Invoke-Pwsh -Command @'
try { Get-GasleserReading 'not an address!' -ErrorAction Stop; 'not caught' }
catch [Gasleser.GasleserException] { 'caught ' + $_.FullyQualifiedErrorId.Split(',')[0] }
'@

        $result.Output.Trim() | Should -Be 'caught Gasleser.InvalidAddress'
    }

    It 'a scheduled script that fails with -ErrorAction Stop exits non-zero and names the error on stderr' {
        $pwsh = Get-PwshCommand
        $stderr = Join-Path $TestDrive 'stderr.txt'
        $process = Start-Process $pwsh[0] -PassThru -Wait -RedirectStandardError $stderr -RedirectStandardOutput (Join-Path $TestDrive 'stdout.txt') `
            -ArgumentList (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command',
                "Import-Module '$(Get-GasleserManifest)'; [Gasleser.InternalHooks]::SetTestHook('PrivateFolder', '$(Get-TestPrivateFolder)'); Get-GasleserReading 127.0.0.1:$($Port.OldFirmware) -ErrorAction Stop"))

        $process.ExitCode | Should -Not -Be 0
        Get-Content $stderr -Raw | Should -Match '1\.0\.21'
    }

    It 'a non-terminating error leaves $? false and the other devices read' {
        $result = Invoke-Pwsh -Command @"
`$r = Get-GasleserReading 127.0.0.1:$($Port.OldFirmware), 127.0.0.1:$($Port.Shapes) -MaxAge 01:00:00 -ErrorVariable e -ErrorAction SilentlyContinue
"ok=`$(`$?) readings=`$(@(`$r).Count) errors=`$(`$e.Count)"
"@

        $result.Output.Trim() | Should -Be 'ok=False readings=1 errors=1'
    }
}

Describe 'Readings in the built-in cmdlets' {
    It 'ConvertTo-Json keeps numbers as numbers and the time as an ISO 8601 string' {
        $json = $Reading | ConvertTo-Json | ConvertFrom-Json -AsHashtable

        $json.TotalConsumption | Should -BeOfType [double]
        $json.TotalConsumption | Should -Be $Reading.TotalConsumption
        $json.DeviceId | Should -Be $Reading.DeviceId
        [datetimeoffset]$json.Timestamp | Should -Be $Reading.Timestamp
        $json.Keys | Should -Contain 'ConsumptionDelta'
    }

    It 'Measure-Object, Sort-Object and Group-Object work on the typed properties' {
        $readings = @($Reading, (Get-GasleserReading "127.0.0.1:$($Port.Shapes)" -MaxAge 01:00:00))

        ($readings | Measure-Object TotalConsumption -Sum).Sum | Should -Be (2 * $Reading.TotalConsumption)
        ($readings | Sort-Object Timestamp -Descending)[0].Timestamp | Should -Be $Reading.Timestamp
        ($readings | Group-Object DeviceId).Count | Should -Be 2
    }

    It 'Select-Object and Where-Object filter on numbers, not text' {
        $Reading | Where-Object TotalConsumption -gt 9999 | Should -HaveCount 1
        ($Reading | Select-Object DeviceId, TotalConsumption).TotalConsumption | Should -BeOfType [double]
    }

    It 'Format-List shows every property with its unit' {
        $text = $Reading | Format-List | Out-String -Width 80

        $text | Should -Match 'TotalConsumption \(m³\)\s+:'
        $text | Should -Match 'CurrentFlowRate \(m³/h\)\s+:'
        $text | Should -Match ([regex]::Escape($Reading.DeviceId))
    }

    It 'the default table fits 80 columns' {
        $lines = ($Reading | Out-String -Width 80) -split '\r?\n'

        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        ($lines -join "`n") | Should -Match 'Total \(m³\)'
    }
}

Describe '-Verbose in a real process' {
    It 'a second Get within 10 s says that it waits for the device, and for how long' {
        $address = "127.0.0.1:$($Port.Verbose)"
        $result = Invoke-Pwsh -TimeoutSec 60 -Command @"
Get-GasleserReading $address | Out-Null
Get-GasleserReading $address -Verbose 4>&1 | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
"@

        $result.Output | Should -Match 'wait'
        $result.Output | Should -Match '\d+(\.\d+)? s'
        @(Get-SimulatorStatus $Simulator $Port.Verbose) -join ',' | Should -Be '200,200'
    }
}

Describe 'Help in a real shell' {
    It 'Get-Help -Full shows every parameter of <Name> with a description' -TestCases @(
        @{ Name = 'Get-GasleserReading' }
        @{ Name = 'Watch-GasleserReading' }
        @{ Name = 'Find-Gasleser' }
        @{ Name = 'Measure-GasleserUsage' }
        @{ Name = 'Get-GasleserSession' }
        @{ Name = 'Export-GasleserLog' }
        @{ Name = 'Import-GasleserLog' }
    ) {
        $help = Get-Help $Name -Full
        $declared = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters }

        $help.Description | Should -Not -BeNullOrEmpty
        foreach ($parameter in $declared) {
            $documented = $help.parameters.parameter | Where-Object Name -eq $parameter
            $documented | Should -Not -BeNullOrEmpty -Because "$Name -$parameter"
            ($documented.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "$Name -$parameter"
        }
    }

    It 'Get-Help about_Gasleser explains the 10 s limit and the error ids' {
        $text = Get-Help about_Gasleser | Out-String

        $text | Should -Match '10 s|10 seconds'
        $text | Should -Match 'Gasleser\.RateLimited'
        $text | Should -Match 'Gasleser\.InvalidResponse'
    }
}
