// Command lua-runner runs an Argo CD resource health script the way Argo CD does, so the
// project's health checks are tested in the interpreter that will run them (gopher-lua, Lua 5.1).
//
// Usage: lua-runner <script.lua> < object.json
//
// It reads one Kubernetes object as JSON on stdin, sets it as the global `obj`, runs the script
// and prints the table the script returns as JSON on stdout. Like Argo CD (util/lua/lua.go) it
// opens only the package, base and table libraries (no string, os or io library unless the
// override sets useOpenLibs) and stops the script after one second.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	lua "github.com/yuin/gopher-lua"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: lua-runner <script.lua> < object.json")
		os.Exit(2)
	}
	script, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail("read script", err)
	}
	var obj map[string]any
	if err := json.NewDecoder(os.Stdin).Decode(&obj); err != nil {
		fail("decode object", err)
	}
	result, err := run(string(script), obj)
	if err != nil {
		fail("run script", err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(result); err != nil {
		fail("encode result", err)
	}
}

func run(script string, obj map[string]any) (any, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, obj))
	if err := l.DoString(script); err != nil {
		return nil, err
	}
	returned := l.Get(-1)
	if returned.Type() != lua.LTTable {
		return nil, fmt.Errorf("expect table output from Lua script, not %s", returned.Type())
	}
	return fromLua(returned), nil
}

// toLua mirrors Argo CD's decodeValue: maps and arrays become tables, numbers LNumber.
func toLua(l *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []any:
		arr := l.CreateTable(len(v), 0)
		for _, item := range v {
			arr.Append(toLua(l, item))
		}
		return arr
	case map[string]any:
		tbl := l.CreateTable(0, len(v))
		for key, item := range v {
			tbl.RawSetH(lua.LString(key), toLua(l, item))
		}
		return tbl
	}
	return lua.LNil
}

// fromLua turns the returned table into JSON-ready values; a table with string keys is an object.
func fromLua(value lua.LValue) any {
	switch v := value.(type) {
	case lua.LBool:
		return bool(v)
	case lua.LNumber:
		return float64(v)
	case lua.LString:
		return string(v)
	case *lua.LTable:
		if v.MaxN() > 0 {
			arr := make([]any, 0, v.MaxN())
			for i := 1; i <= v.MaxN(); i++ {
				arr = append(arr, fromLua(v.RawGetInt(i)))
			}
			return arr
		}
		obj := map[string]any{}
		v.ForEach(func(key, item lua.LValue) {
			obj[key.String()] = fromLua(item)
		})
		return obj
	}
	return nil
}

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "lua-runner: %s: %v\n", what, err)
	os.Exit(1)
}
